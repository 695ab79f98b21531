FROM public.ecr.aws/lambda/provided:al2023
RUN <<EOF
set -e
echo hi
EOF
COPY <<-EOT /var/task/x
	body
	EOT
user $UID:${GID:-0}
healthcheck NONE
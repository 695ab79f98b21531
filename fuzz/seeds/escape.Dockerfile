# syntax=docker/dockerfile:1
# escape=`
ARG BASE=public.ecr.aws/lambda/nodejs:20
FROM ${BASE} AS build
RUN npm ci `
    && npm run build

FROM build
USER root
ENTRYPOINT ["/lambda-entrypoint.sh"]

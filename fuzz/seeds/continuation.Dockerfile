FROM amazon/aws-lambda-python:3.12
RUN yum install -y x \
# comment

    && true
ONBUILD RUN echo
USER 0:0 # root
WORKDIR /var/task
CMD app.handler

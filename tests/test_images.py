from __future__ import annotations

import pytest

from lambda_fix.images import is_lambda_base, is_windows_base

DIGEST = "@sha256:" + "ab" * 32


@pytest.mark.parametrize(
    "reference",
    [
        "public.ecr.aws/lambda/python",
        "public.ecr.aws/lambda/python:3.12",
        "public.ecr.aws/lambda/python:3.12-arm64",
        "public.ecr.aws/lambda/python:3.12.2024.08.09.13",
        "public.ecr.aws/lambda/nodejs:20",
        "public.ecr.aws/lambda/java:8.al2",
        "public.ecr.aws/lambda/dotnet:8",
        "public.ecr.aws/lambda/ruby:3.3",
        "public.ecr.aws/lambda/provided:al2023",
        "public.ecr.aws/lambda/go:1",
        "public.ecr.aws/lambda/python:latest",
        f"public.ecr.aws/lambda/python{DIGEST}",
        f"public.ecr.aws/lambda/python:3.12{DIGEST}",
        "amazon/aws-lambda-python:3.12",
        "docker.io/amazon/aws-lambda-nodejs:20",
        "index.docker.io/amazon/aws-lambda-provided:al2",
        "registry-1.docker.io/amazon/aws-lambda-java:21",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/lambda/python:3.12",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a/b/lambda/nodejs:20",
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/hub/amazon/aws-lambda-python",
    ],
)
def test_lambda_base_recognised(reference: str) -> None:
    assert is_lambda_base(reference)


@pytest.mark.parametrize(
    "reference",
    [
        "python:3.12",
        "public.ecr.aws/sam/build-python3.12",
        "public.ecr.aws/sam/emulation-python3.12",
        "public.ecr.aws/docker/library/python:3.12",
        "lambci/lambda:python3.8",
        "amazon/aws-sam-cli-build-image-python3.8",
        "example.com/amazon/aws-lambda-python:3.12",
        "public.ecr.aws/lambda/python:3.12 trailing",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/lambda/python:3.12",
        "public.ecr.aws/lambda/python@sha256:short",
        "",
    ],
)
def test_other_images_not_lambda(reference: str) -> None:
    assert not is_lambda_base(reference)


def test_windows_detection() -> None:
    assert is_windows_base("mcr.microsoft.com/windows/servercore:ltsc2022")
    assert is_windows_base("mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-1809")
    assert is_windows_base("anything", platform="windows/amd64")
    assert not is_windows_base("public.ecr.aws/lambda/dotnet:8", "linux/amd64")

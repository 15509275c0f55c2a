"""Validates Parley's JSON against Twilio's own OpenAPI description of the 2010-04-01 API."""
from openapi_schema_validator import OAS30Validator


def response_schema(spec: dict, path: str, method: str, status: str) -> dict:
    operation = spec["paths"][path][method]
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    # Inline the components so '#/components/...' references resolve against this document.
    return {**schema, "components": spec["components"]}


def assert_valid(spec: dict, body: dict, path: str, method: str = "get", status: str = "200"):
    schema = response_schema(spec, path, method, status)
    errors = sorted(OAS30Validator(schema).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])

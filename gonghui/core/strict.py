"""Strict request bodies for the JSON API: an object with exactly the declared keys and the declared
types, or a 422 in Chinese — never a body of another JSON type read as "all defaults".

django-ninja's `Schema` reads any value through attribute access (`from_attributes`), so a JSON array,
string or number sent where an object is expected passed as an empty object and the route acted on it
(found by the outside probe, issue 7 §5c). Every write body derives from `StrictSchema` instead.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, model_validator
from pydantic_core import PydanticCustomError

# the kind of JSON value a client sent, in words
_KINDS = {list: "数组", str: "字符串", int: "数字", float: "数字", bool: "true/false", type(None): "null"}

BODY_NOT_OBJECT = "body_not_object"


class StrictSchema(Schema):
    """A request body: a JSON object, unknown keys refused. Declare its fields with the strict types
    below ("3" is not a number, 1 is not true): a model-wide `strict=True` would refuse ninja's own
    attribute reader."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja validates twice: the raw JSON value (extra="forbid" asks for it), then its own reader.
        if not isinstance(data, (dict, DjangoGetter)):
            kind = _KINDS.get(type(data), "其他类型")
            raise PydanticCustomError(BODY_NOT_OBJECT, "请求体应为 JSON 对象（{{…}}），收到的是{kind}", {"kind": kind})
        return data

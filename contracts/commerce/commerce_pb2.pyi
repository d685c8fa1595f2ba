from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetMembershipRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    def __init__(self, user_id: _Optional[int] = ...) -> None: ...

class GetMembershipResponse(_message.Message):
    __slots__ = ("active", "tier", "expires_at_ms")
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    active: bool
    tier: str
    expires_at_ms: int
    def __init__(self, active: _Optional[bool] = ..., tier: _Optional[str] = ..., expires_at_ms: _Optional[int] = ...) -> None: ...

from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class UsersExistRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, ids: _Optional[_Iterable[int]] = ...) -> None: ...

class UsersExistResponse(_message.Message):
    __slots__ = ("existing_ids",)
    EXISTING_IDS_FIELD_NUMBER: _ClassVar[int]
    existing_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, existing_ids: _Optional[_Iterable[int]] = ...) -> None: ...

from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class FollowerIdsRequest(_message.Message):
    __slots__ = ("user_id", "batch_size")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    batch_size: int
    def __init__(self, user_id: _Optional[int] = ..., batch_size: _Optional[int] = ...) -> None: ...

class FollowerIdsBatch(_message.Message):
    __slots__ = ("follower_ids",)
    FOLLOWER_IDS_FIELD_NUMBER: _ClassVar[int]
    follower_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, follower_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class FolloweeIdsRequest(_message.Message):
    __slots__ = ("user_id", "batch_size")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    batch_size: int
    def __init__(self, user_id: _Optional[int] = ..., batch_size: _Optional[int] = ...) -> None: ...

class FolloweeIdsBatch(_message.Message):
    __slots__ = ("followee_ids",)
    FOLLOWEE_IDS_FIELD_NUMBER: _ClassVar[int]
    followee_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, followee_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class WhichFollowedRequest(_message.Message):
    __slots__ = ("follower_id", "candidate_ids")
    FOLLOWER_ID_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_IDS_FIELD_NUMBER: _ClassVar[int]
    follower_id: int
    candidate_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, follower_id: _Optional[int] = ..., candidate_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class WhichFollowedResponse(_message.Message):
    __slots__ = ("followed_ids",)
    FOLLOWED_IDS_FIELD_NUMBER: _ClassVar[int]
    followed_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, followed_ids: _Optional[_Iterable[int]] = ...) -> None: ...

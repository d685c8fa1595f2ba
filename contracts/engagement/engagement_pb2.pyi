from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubjectKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUBJECT_KIND_UNSPECIFIED: _ClassVar[SubjectKind]
    ARTICLE: _ClassVar[SubjectKind]
    ANSWER: _ClassVar[SubjectKind]
    COMMENT: _ClassVar[SubjectKind]
SUBJECT_KIND_UNSPECIFIED: SubjectKind
ARTICLE: SubjectKind
ANSWER: SubjectKind
COMMENT: SubjectKind

class Subject(_message.Message):
    __slots__ = ("kind", "id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    kind: SubjectKind
    id: int
    def __init__(self, kind: _Optional[_Union[SubjectKind, str]] = ..., id: _Optional[int] = ...) -> None: ...

class CountsRequest(_message.Message):
    __slots__ = ("subjects",)
    SUBJECTS_FIELD_NUMBER: _ClassVar[int]
    subjects: _containers.RepeatedCompositeFieldContainer[Subject]
    def __init__(self, subjects: _Optional[_Iterable[_Union[Subject, _Mapping]]] = ...) -> None: ...

class SubjectCounts(_message.Message):
    __slots__ = ("subject", "likes", "comments")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    LIKES_FIELD_NUMBER: _ClassVar[int]
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    subject: Subject
    likes: int
    comments: int
    def __init__(self, subject: _Optional[_Union[Subject, _Mapping]] = ..., likes: _Optional[int] = ..., comments: _Optional[int] = ...) -> None: ...

class CountsResponse(_message.Message):
    __slots__ = ("counts",)
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    counts: _containers.RepeatedCompositeFieldContainer[SubjectCounts]
    def __init__(self, counts: _Optional[_Iterable[_Union[SubjectCounts, _Mapping]]] = ...) -> None: ...

class WhichLikedRequest(_message.Message):
    __slots__ = ("user_id", "subjects")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECTS_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    subjects: _containers.RepeatedCompositeFieldContainer[Subject]
    def __init__(self, user_id: _Optional[int] = ..., subjects: _Optional[_Iterable[_Union[Subject, _Mapping]]] = ...) -> None: ...

class WhichLikedResponse(_message.Message):
    __slots__ = ("liked",)
    LIKED_FIELD_NUMBER: _ClassVar[int]
    liked: _containers.RepeatedCompositeFieldContainer[Subject]
    def __init__(self, liked: _Optional[_Iterable[_Union[Subject, _Mapping]]] = ...) -> None: ...

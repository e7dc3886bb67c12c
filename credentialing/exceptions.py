class CredentialingError(Exception):
    """An expected refusal whose message is shown to the person who tried."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionRefused(CredentialingError):
    """The application is not in a state that allows this action, or a guard failed."""


class StaleApplication(CredentialingError):
    """Somebody else changed the application since the form was loaded."""


class UploadRefused(CredentialingError):
    """An uploaded file is not an acceptable PDF, JPEG or PNG within the size limit."""


class UploadsRefused(CredentialingError):
    """Files of a whole application refused at once: ``by_kind`` holds each kind of evidence's message."""

    def __init__(self, by_kind: dict[str, str]):
        super().__init__("; ".join(by_kind.values()))
        self.by_kind = dict(by_kind)


class EvidenceInvalid(CredentialingError):
    """A record of a whole application breaks a rule of its own, found when it was saved (``kind``: which
    record; ``messages``: what its form shows)."""

    def __init__(self, kind: str, messages: list[str]):
        super().__init__("; ".join(messages))
        self.kind = kind
        self.messages = list(messages)


class BulkActionRefused(CredentialingError):
    """One or more items of a bulk action cannot be acted on: nothing was done; the message names each."""

    def __init__(self, message, *, refused_ids=()):
        super().__init__(message)
        self.refused_ids = list(refused_ids)

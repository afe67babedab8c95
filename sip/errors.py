"""Errors that services raise for a person to read."""


class ServiceError(Exception):
    """A refused change, with a message in the member's language (a lazy string).

    ``field`` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

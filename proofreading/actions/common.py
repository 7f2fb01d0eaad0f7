"""What the proofreading actions share: the refusal they raise."""


class ProofreadingError(Exception):
    """A refused proofreading action; the message is for the user (Chinese)."""

"""What the piece workflow tells, and asks, the apps above it.

The workflow knows nothing of issues; the apps that do connect receivers in their
``AppConfig.ready()``. Both signals are sent inside the action's transaction, so a receiver's
database writes commit or roll back with the action; a receiver that writes files or enqueues
work does that through ``transaction.on_commit``.

``piece_text_changed(sender=Submission, submission=…)``
    A piece's printed fields (title, body, byline, brief text) were saved. The bulletin app
    refreshes the printed text that search reads and re-renders a draft issue the piece is
    placed in.

``placement_asked(sender=Submission, submission=…)``
    Is the piece placed in an issue? A receiver returns the issue's label ("2024年第1期") or
    None; an action that may not touch a placed piece (撤销采用) refuses while any label comes
    back.
"""

from django.dispatch import Signal

piece_text_changed = Signal()
placement_asked = Signal()


def placement_of(submission) -> str | None:
    """The label of the issue the piece is placed in, as the apps above answer, else None."""
    for _receiver, label in placement_asked.send(sender=type(submission), submission=submission):
        if label:
            return label
    return None

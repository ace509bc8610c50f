"""Every error the app reports in words, by what the caller should do about it.

The message of each is written for the person at the keyboard. The command line catches
the base class once and ends with the subclass's ``exit_code``; the processing loop
tells the kinds apart: a file problem fails that file, a fatal error stops the run,
"retry later" puts the file back, and a cancel returns it to pending.
"""

from __future__ import annotations


class StructurerError(Exception):
    """Base of the app's errors."""

    exit_code = 1


class UsageError(StructurerError):
    """What was asked cannot be done as asked: a config mistake, a folder that cannot be
    opened or is busy, an output folder that would overwrite sources. Nothing ran."""

    exit_code = 2


class RunFatal(StructurerError):
    """The run cannot go on (a model that does not load, a damaged state store); the
    files not yet done stay pending."""


class FileProblem(StructurerError):
    """This file cannot be structured (unreadable, or the model failed on it); the file
    is marked failed with this message and the rest of the batch goes on."""


class RetryLater(StructurerError):
    """Nothing is wrong with the file, but it cannot be done now (a server is away):
    it goes back to pending and is tried again later."""


class Cancelled(StructurerError):
    """The person (or a signal) stopped the work in progress; nothing of it is kept and
    the file returns to pending."""

    exit_code = 130

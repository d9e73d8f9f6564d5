"""Errors a key worker can understand and act on.

Every ``UserFacingError`` carries a plain-English message and what to do next.
Messages never contain personal data: they may name ids, files and fields, not people.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """An error shown to the user as it is, with advice on what to do next."""

    def __init__(self, message: str, advice: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.message} {self.advice}".strip()


class WrongPassphraseError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "The passphrase is not correct.",
            "Check Caps Lock and try again. If you have forgotten it, ask your "
            "information-governance officer for the recovery key.",
        )


class WrongRecoveryKeyError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "That recovery key does not open this store.",
            "Check each group against the printed copy; letters and digits only.",
        )


class UnlockThrottledError(UserFacingError):
    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(
            f"Too many wrong passphrases. Wait {max(1, round(wait_seconds))} seconds "
            "before trying again.",
            "This delay protects the case records if the laptop is lost.",
        )


class StoreDamagedError(UserFacingError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "The case store is damaged" + (f" ({detail})" if detail else "") + ".",
            "Do not make changes. Restore the most recent backup with "
            "'keyworker restore', or contact your IT service desk.",
        )


class NotAKeyworkerStoreError(UserFacingError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "This is not a Keyworker case store" + (f" ({detail})" if detail else "") + ".",
            "Check the store location (--store or KEYWORKER_STORE).",
        )


class HeaderMismatchError(UserFacingError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "The key header and the case store do not belong together"
            + (f" ({detail})" if detail else "")
            + ".",
            "The header may be an old copy or come from another store. Put back the "
            "header that was saved with this store, or restore both from a backup.",
        )


class DeviceSecretMissingError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "This computer does not hold the device secret for this store.",
            "The store was created on another computer or the system keyring was reset. "
            "Open it with the recovery key ('keyworker recover'); that binds it to this "
            "computer again.",
        )


class NoKeyringError(UserFacingError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "No secure system keyring is available"
            + (f" ({detail})" if detail else "")
            + ".",
            "On Linux install and unlock a Secret Service keyring (for example the "
            "'gnome-keyring' package, started with your desktop session); on Windows "
            "the Credential Manager is used. Keyworker never stores keys in plain files.",
        )


class StoreExistsError(UserFacingError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"A case store already exists at {path}.",
            "Choose another location with --store, or remove the old store first.",
        )


class StoreMissingError(UserFacingError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"There is no case store at {path}.",
            "Create one with 'keyworker init' or point --store at an existing store.",
        )


class DiskFullError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "The disk is full, so nothing was saved.",
            "Free some space and try again; your earlier records are unchanged.",
        )


class StoreBusyError(UserFacingError):
    """Another Keyworker window or command held the store for longer than we wait."""

    def __init__(self) -> None:
        super().__init__(
            "The case store is busy: another Keyworker window or command is using it, "
            "so this was not done.",
            "Wait a moment and try again. If it keeps happening, close the other Keyworker "
            "window or command first.",
        )


class StoreUnavailableError(UserFacingError):
    """The store's file could not be read or written (I/O error, read-only, permissions)."""

    def __init__(self) -> None:
        super().__init__(
            "Keyworker could not read or write the case store file.",
            "Check that the drive holding it is connected, has free space and is not "
            "read-only, then try again. If it keeps happening, contact your IT service desk.",
        )


class StoreInUseError(UserFacingError):
    """The store is open in another Keyworker (the single-instance lock is held)."""

    def __init__(self) -> None:
        super().__init__(
            "This case store is already open in another Keyworker window or command.",
            "Use that window (it may be minimised or locked), or close it and try again.",
        )


class StaleRecordError(UserFacingError):
    """A save based on a copy of a record that was changed elsewhere since it was read."""

    def __init__(self, kind: str, record_id: int | str) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(
            f"This {kind} was changed in another Keyworker window or command after you "
            "opened it, so your change was not saved.",
            "Your entry has been kept. Check the latest version of the record, then save "
            "your change again.",
        )


class ValidationError(UserFacingError):
    """Bad input: names the field (never the value) and says what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class PolicyError(UserFacingError):
    def __init__(self, source: str, problem: str) -> None:
        super().__init__(
            f"The policy file {source} is not valid: {problem}.",
            "Ask your IT team to correct or replace the deployed policy file.",
        )


class WeakPassphraseError(UserFacingError):
    def __init__(self, reason: str) -> None:
        super().__init__(
            f"That passphrase is too weak: {reason}.",
            "Use four or more unrelated words, or at least 12 characters mixing kinds.",
        )


class RecordNotFoundError(UserFacingError):
    """A record id that is not (or no longer) in the store. Names the kind and id only."""

    def __init__(self, kind: str, record_id: int | str) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(
            f"No {kind} with id {record_id} was found in the case store.",
            "It may have been deleted or closed elsewhere. Refresh the list and try again.",
        )


class FamilyImportError(UserFacingError):
    """A family file was refused whole; says where (line and JSON path), never the value."""

    def __init__(self, source: str, line: int | None, path: str, problem: str,
                 more: tuple[tuple[int | None, str, str], ...] = ()) -> None:
        self.source = source
        self.line = line
        self.path = path
        self.problem = problem
        self.more = more  # further (line, path, problem) found in the same file
        text = f"{self._where(source, line, path)}: {self._sentence(problem)}"
        for other in more:
            text += f"\n  {self._where('', *other[:2])}: {self._sentence(other[2])}"
        super().__init__(text, "Nothing was imported. Correct the file and import it again.")

    @staticmethod
    def _where(source: str, line: int | None, path: str) -> str:
        return ", ".join(
            part for part in (source, f"line {line}" if line is not None else "", path) if part
        )

    @staticmethod
    def _sentence(problem: str) -> str:
        return problem if problem.endswith((".", "?", "!")) else f"{problem}."


class SchemaUpgradeNeededError(UserFacingError):
    """The store was made by an earlier Keyworker; opening it here upgrades it (after an
    encrypted backup). Raised only when the caller asked to be consulted first."""

    def __init__(self, version: int, latest: int) -> None:
        self.version = version
        self.latest = latest
        super().__init__(
            f"This case store was made by an earlier version of Keyworker (format "
            f"v{version}); this version uses v{latest}.",
            "Opening it upgrades it. An encrypted backup of the store as it is now is made "
            "first, inside the store folder (upgrade-backups); older versions of Keyworker "
            "cannot open the upgraded store.",
        )


class AuditTrailWarning(UserFacingError):
    """The audit trail was changed since the store was last used. The store still opens
    (the key worker's work must go on); the finding is audited and shown."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = "; ".join(problems[:3]) + ("; and more" if len(problems) > 3 else "")
        super().__init__(
            f"The audit trail has been changed since this store was last used: {shown}.",
            "Your records are open as normal and this finding is now in the audit trail. "
            "Tell your information-governance officer today: they can compare the trail "
            "with their last exported checkpoint ('keyworker audit --check-checkpoint'). "
            "'keyworker verify' lists every problem.",
        )

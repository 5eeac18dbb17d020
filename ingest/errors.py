"""The one error a loader raises for a file it cannot use; it names the file and the reason."""

from pathlib import Path


class LoadError(Exception):
    """A file that cannot be indexed, with a reason a person can act on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[Path, str]]:
        """Pickled whole, so a file read in another process fails here with its reason."""
        return (LoadError, (self.path, self.reason))

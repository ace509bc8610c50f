"""Feeding the queue from the folder watcher: new files queued, moves and deletes
recorded, each said to the front end as a :class:`FolderChange`."""

from __future__ import annotations

from collections.abc import Callable

from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.library.scan import scan_file
from tui_structurer.library.watcher import FolderWatcher, WatchCallbacks
from tui_structurer.processing.events import FolderChange, SessionEvent
from tui_structurer.processing.queue import WorkQueue


def watch_folder(
    folder: Folder, queue: WorkQueue, notify: Callable[[SessionEvent], None], quiet_s: float
) -> FolderWatcher:
    """Start watching ``folder``; transcripts dropped in later are queued once stable."""
    library = folder.library

    def ready(paths: list[str]) -> None:
        found = [f for f in (scan_file(folder.root, p) for p in paths) if f]
        adopted = [f.path for f in found if library.adopt_missing(f)]
        if adopted:
            notify(FolderChange("moved", tuple(adopted), "same content as a deleted file"))
        library.sync(found, complete=False)
        queued, changed = [], []
        for file in found:
            record = library.get_by_path(file.path)
            if record is None:
                continue
            if record.status == Status.PENDING and record.id not in queue:
                queued.append(record)
            else:
                changed.append(record.path)
        queue.extend([r.id for r in queued])
        if queued:
            notify(FolderChange("queued", tuple(r.path for r in queued)))
        if changed:
            notify(FolderChange("changed", tuple(changed)))

    def moved(old: str, new: str, is_dir: bool) -> None:
        if is_dir:
            count = library.rename_folder(old, new)
            if count:
                notify(FolderChange("moved", (new,), f"{old}/ → {new}/ ({count} files)"))
        elif library.rename(old, new):
            notify(FolderChange("moved", (new,), f"{old} → {new}"))
        else:  # renamed onto another transcript or from an unknown name: look again
            ready([new])

    def deleted(path: str) -> None:
        library.mark_missing(path)
        notify(FolderChange("missing", (path,)))

    watcher = FolderWatcher(
        folder.root,
        [folder.state_dir, folder.out_dir],
        WatchCallbacks(ready, moved, deleted),
        quiet_s,
    )
    watcher.start()
    return watcher

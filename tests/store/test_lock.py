import json
import os
import socket
import subprocess
import sys
import time

import pytest

from kjdesk.store.lock import DatabaseLocked, WriterLock, is_stale, lock_path, pid_alive, read_lock


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "kjdesk.sqlite"


def test_lock_file_names_the_holder(db_path):
    lock = WriterLock(db_path, officer="张经办").acquire()
    data = json.loads(lock_path(db_path).read_text(encoding="utf-8"))
    assert data["officer"] == "张经办"
    assert data["host"] == socket.gethostname()
    assert data["pid"] == os.getpid()
    assert data["user"] and data["since"]
    lock.release()
    assert not lock_path(db_path).exists()


def test_second_holder_is_refused_with_who_and_since(db_path):
    first = WriterLock(db_path, officer="张经办").acquire()
    try:
        with pytest.raises(DatabaseLocked) as err:
            WriterLock(db_path, officer="李复核").acquire()
        message = str(err.value)
        assert "张经办" in message and socket.gethostname() in message
        assert first.info.since.replace("T", " ") in message
        assert err.value.holder.officer == "张经办"
    finally:
        first.release()
    WriterLock(db_path).acquire().release()  # free again once the first closed


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _write_lock(db_path, **fields) -> None:
    info = {
        "user": "u",
        "officer": "王",
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "since": "2026-01-05T08:00:00",
    }
    info.update(fields)
    lock_path(db_path).write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")


def test_lock_of_a_dead_process_on_this_host_is_cleared(db_path):
    pid = _dead_pid()
    assert not pid_alive(pid)
    _write_lock(db_path, pid=pid, token="crashed")
    lock = WriterLock(db_path, officer="新").acquire()
    assert lock.cleared is not None and lock.cleared.pid == pid
    assert read_lock(lock_path(db_path)).token == lock.info.token
    lock.release()


def test_lock_from_another_host_without_heartbeat_is_stale_only_after_the_age(db_path):
    _write_lock(db_path, host="OTHER-PC", pid=4242, token="remote")
    with pytest.raises(DatabaseLocked, match="OTHER-PC"):
        WriterLock(db_path, stale_after=600).acquire()
    old = time.time() - 3600
    os.utime(lock_path(db_path), (old, old))
    assert is_stale(lock_path(db_path), read_lock(lock_path(db_path)), stale_after=600)
    lock = WriterLock(db_path, stale_after=600).acquire()
    assert lock.cleared.host == "OTHER-PC"
    lock.release()


def test_heartbeat_keeps_a_lock_fresh(db_path):
    lock = WriterLock(db_path, stale_after=600).acquire()
    old = time.time() - 3600
    os.utime(lock_path(db_path), (old, old))
    lock.start_heartbeat(interval=0.05)
    time.sleep(0.3)
    assert time.time() - lock_path(db_path).stat().st_mtime < 5
    assert not is_stale(lock_path(db_path), read_lock(lock_path(db_path)), stale_after=600)
    lock.release()
    assert not lock_path(db_path).exists()


def test_release_leaves_a_lock_that_is_no_longer_ours(db_path):
    lock = WriterLock(db_path).acquire()
    _write_lock(db_path, token="someone-else")
    with pytest.raises(DatabaseLocked):
        lock.refresh()
    lock.release()
    assert read_lock(lock_path(db_path)).token == "someone-else"


def test_set_officer_rewrites_the_lock(db_path):
    lock = WriterLock(db_path).acquire()
    lock.set_officer("赵管理")
    assert read_lock(lock_path(db_path)).officer == "赵管理"
    assert read_lock(lock_path(db_path)).token == lock.info.token
    lock.release()


def test_a_lock_held_by_another_live_process_is_respected(db_path, tmp_path):
    script = (
        "import sys, time\n"
        "from kjdesk.store.lock import WriterLock\n"
        f"l = WriterLock(r'{db_path}', officer='另一窗口').acquire()\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseLocked, match="另一窗口"):
            WriterLock(db_path).acquire()
        proc.kill()
        proc.wait()
        lock = WriterLock(db_path).acquire()  # the killed holder's lock is stale now
        assert lock.cleared.pid == proc.pid
        lock.release()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

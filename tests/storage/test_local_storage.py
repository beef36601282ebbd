"""LocalStorage on a real temporary folder: streaming, atomic writes, key safety and upload sessions."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from ppid.storage import LocalStorage, ObjectNotFound, StorageError, UploadNotFound, open_storage

MiB = 1024 * 1024
StreamFactory = Callable[..., io.RawIOBase]


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "storage")


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_round_trip_reports_size_and_sha256(storage: LocalStorage) -> None:
    data = b"kode_wilayah,nama\n3201,Kabupaten Bogor\n"

    stored = storage.put("berkas/bappeda/apbd.csv", io.BytesIO(data), content_type="text/csv")

    assert (stored.key, stored.size, stored.sha256) == ("berkas/bappeda/apbd.csv", len(data),
                                                        hashlib.sha256(data).hexdigest())
    assert storage.exists("berkas/bappeda/apbd.csv")
    assert storage.size("berkas/bappeda/apbd.csv") == len(data)
    with storage.open("berkas/bappeda/apbd.csv") as stream:
        assert stream.read() == data
    assert storage.url("berkas/bappeda/apbd.csv", filename="apbd.csv") is None

    storage.delete("berkas/bappeda/apbd.csv")
    storage.delete("berkas/bappeda/apbd.csv")  # deleting twice is fine
    assert not storage.exists("berkas/bappeda/apbd.csv")
    with pytest.raises(ObjectNotFound):
        storage.open("berkas/bappeda/apbd.csv")
    with pytest.raises(ObjectNotFound):
        storage.size("berkas/bappeda/apbd.csv")


def test_put_replaces_an_existing_object(storage: LocalStorage) -> None:
    storage.put("a/b.txt", io.BytesIO(b"versi lama"))
    storage.put("a/b.txt", io.BytesIO(b"versi baru"))

    with storage.open("a/b.txt") as stream:
        assert stream.read() == b"versi baru"
    assert files_under(storage.root) == ["a/b.txt"]


def test_a_stream_failing_midway_leaves_no_object_and_no_temporary_file(
    storage: LocalStorage, make_stream: StreamFactory
) -> None:
    with pytest.raises(OSError, match="terputus"):
        storage.put("berkas/besar.bin", make_stream(10 * MiB, fail_after=3 * MiB + 5))

    assert not storage.exists("berkas/besar.bin")
    assert files_under(storage.root) == []


def test_a_failed_replacement_keeps_the_previous_version(storage: LocalStorage, make_stream: StreamFactory) -> None:
    storage.put("berkas/data.csv", io.BytesIO(b"isi yang sah"))

    with pytest.raises(OSError):
        storage.put("berkas/data.csv", make_stream(4 * MiB, fail_after=2 * MiB))

    with storage.open("berkas/data.csv") as stream:
        assert stream.read() == b"isi yang sah"
    assert files_under(storage.root) == ["berkas/data.csv"]


def test_a_large_stream_is_written_without_being_held_in_memory(
    storage: LocalStorage, make_stream: StreamFactory, generated_sha256: Callable[[int], str]
) -> None:
    size = 50 * 1000 * 1000
    expected = generated_sha256(size)
    stream = make_stream(size, max_read=300_000)  # short reads, like a network stream

    tracemalloc.start()
    try:
        stored = storage.put("berkas/besar.bin", stream)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 8 * MiB
    assert (stored.size, stored.sha256) == (size, expected)
    assert storage.size("berkas/besar.bin") == size
    digest = hashlib.sha256()
    with storage.open("berkas/besar.bin") as stored_stream:
        while chunk := stored_stream.read(MiB):
            digest.update(chunk)
    assert digest.hexdigest() == expected


@pytest.mark.parametrize(
    "key",
    ["", "/etc/passwd", "../luar.txt", "berkas/../../luar.txt", "berkas/..", "./berkas.txt", "berkas//data.csv",
     "berkas/", "berkas\\..\\luar.txt", "berkas/da\0ta.csv", ".ppid-uploads/sesi/part-00001"],
)
def test_keys_that_could_escape_the_root_are_rejected(storage: LocalStorage, key: str) -> None:
    for operation in (lambda: storage.put(key, io.BytesIO(b"x")), lambda: storage.open(key),
                      lambda: storage.exists(key), lambda: storage.delete(key), lambda: storage.size(key),
                      lambda: storage.begin_upload(key)):
        with pytest.raises(StorageError, match="tidak sah"):
            operation()
    assert not (storage.root.parent / "luar.txt").exists()


def test_a_symlink_cannot_lead_outside_the_root(storage: LocalStorage, tmp_path: Path) -> None:
    outside = tmp_path / "luar"
    outside.mkdir()
    storage.root.mkdir()
    (storage.root / "tautan").symlink_to(outside)

    with pytest.raises(StorageError, match="tidak sah"):
        storage.put("tautan/data.csv", io.BytesIO(b"x"))
    assert list(outside.iterdir()) == []


def test_keys_with_dots_inside_names_are_allowed(storage: LocalStorage) -> None:
    storage.put("berkas/laporan..final.csv", io.BytesIO(b"x"))
    storage.put(".tersembunyi/a.csv", io.BytesIO(b"y"))

    assert storage.exists("berkas/laporan..final.csv")
    assert storage.exists(".tersembunyi/a.csv")


def test_upload_session_joins_parts_in_number_order(storage: LocalStorage) -> None:
    first, second, last = b"a" * (5 * MiB), b"b" * (5 * MiB), b"akhir"
    upload_id = storage.begin_upload("unggahan/besar.bin", content_type="application/octet-stream")

    assert storage.upload_part("unggahan/besar.bin", upload_id, 3, io.BytesIO(last)) == len(last)
    assert storage.upload_part("unggahan/besar.bin", upload_id, 2, io.BytesIO(b"salah")) == 5
    assert storage.upload_part("unggahan/besar.bin", upload_id, 2, io.BytesIO(second)) == len(second)  # resent
    assert storage.upload_part("unggahan/besar.bin", upload_id, 1, io.BytesIO(first)) == len(first)
    assert not storage.exists("unggahan/besar.bin")

    stored = storage.complete_upload("unggahan/besar.bin", upload_id)

    data = first + second + last
    assert stored.key == "unggahan/besar.bin"
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    with storage.open("unggahan/besar.bin") as stream:
        assert stream.read() == data
    assert files_under(storage.root) == ["unggahan/besar.bin"]
    with pytest.raises(UploadNotFound):
        storage.upload_part("unggahan/besar.bin", upload_id, 4, io.BytesIO(b"x"))


def test_upload_session_enforces_the_s3_part_rules(storage: LocalStorage) -> None:
    upload_id = storage.begin_upload("unggahan/kecil.bin")
    with pytest.raises(StorageError, match="belum memiliki bagian"):
        storage.complete_upload("unggahan/kecil.bin", upload_id)
    for number in (0, 10_001):
        with pytest.raises(StorageError, match="Nomor bagian"):
            storage.upload_part("unggahan/kecil.bin", upload_id, number, io.BytesIO(b"x"))

    storage.upload_part("unggahan/kecil.bin", upload_id, 1, io.BytesIO(b"terlalu kecil"))
    storage.upload_part("unggahan/kecil.bin", upload_id, 2, io.BytesIO(b"akhir"))
    with pytest.raises(StorageError, match="minimal 5 MiB"):
        storage.complete_upload("unggahan/kecil.bin", upload_id)
    assert not storage.exists("unggahan/kecil.bin")

    storage.abort_upload("unggahan/kecil.bin", upload_id)
    storage.abort_upload("unggahan/kecil.bin", upload_id)  # aborting twice is fine
    assert files_under(storage.root) == []


def test_a_single_small_part_is_a_complete_upload(storage: LocalStorage) -> None:
    upload_id = storage.begin_upload("unggahan/satu.csv")
    storage.upload_part("unggahan/satu.csv", upload_id, 1, io.BytesIO(b"satu bagian saja"))

    assert storage.complete_upload("unggahan/satu.csv", upload_id).size == len(b"satu bagian saja")


@pytest.mark.parametrize("upload_id", ["../../luar", "0" * 32, "", "ABCDEF" * 6])
def test_unknown_or_malformed_upload_ids_are_refused(storage: LocalStorage, upload_id: str) -> None:
    with pytest.raises(UploadNotFound, match="tidak ditemukan"):
        storage.upload_part("unggahan/a.bin", upload_id, 1, io.BytesIO(b"x"))
    with pytest.raises(UploadNotFound):
        storage.complete_upload("unggahan/a.bin", upload_id)
    storage.abort_upload("unggahan/a.bin", upload_id)


def test_an_upload_session_belongs_to_its_key(storage: LocalStorage) -> None:
    upload_id = storage.begin_upload("unggahan/a.bin")

    with pytest.raises(UploadNotFound):
        storage.upload_part("unggahan/b.bin", upload_id, 1, io.BytesIO(b"x"))
    storage.abort_upload("unggahan/b.bin", upload_id)  # not this key's session: left alone
    storage.upload_part("unggahan/a.bin", upload_id, 1, io.BytesIO(b"x"))
    assert storage.complete_upload("unggahan/a.bin", upload_id).size == 1


def test_an_interrupted_part_leaves_the_session_usable(storage: LocalStorage, make_stream: StreamFactory) -> None:
    upload_id = storage.begin_upload("unggahan/a.bin")
    storage.upload_part("unggahan/a.bin", upload_id, 1, io.BytesIO(b"x" * (5 * MiB)))
    with pytest.raises(OSError):
        storage.upload_part("unggahan/a.bin", upload_id, 2, make_stream(2 * MiB, fail_after=MiB))

    storage.upload_part("unggahan/a.bin", upload_id, 2, io.BytesIO(b"akhir"))

    assert storage.complete_upload("unggahan/a.bin", upload_id).size == 5 * MiB + 5


def test_check_creates_the_root_folder(storage: LocalStorage) -> None:
    storage.check()

    assert storage.root.is_dir()


def test_check_explains_an_unusable_root(tmp_path: Path) -> None:
    (tmp_path / "berkas").write_text("bukan folder")
    storage = LocalStorage(tmp_path / "berkas")

    with pytest.raises(StorageError, match="PPID_STORAGE_URL") as error:
        storage.check()
    assert str(tmp_path / "berkas") in str(error.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_check_explains_a_read_only_root(tmp_path: Path) -> None:
    tmp_path.joinpath("berkas").mkdir(mode=0o500)

    with pytest.raises(StorageError, match="izin folder"):
        LocalStorage(tmp_path / "berkas").check()


def test_open_storage_understands_folders_and_file_urls(tmp_path: Path) -> None:
    for url in (str(tmp_path / "satu"), (tmp_path / "satu").as_uri()):
        storage = open_storage(url)
        assert isinstance(storage, LocalStorage)
        assert storage.root == (tmp_path / "satu").resolve()

    with pytest.raises(StorageError, match="PPID_STORAGE_URL"):
        open_storage("https://contoh.go.id/berkas")
    with pytest.raises(StorageError, match="nama bucket"):
        open_storage("s3:///tanpa-bucket")

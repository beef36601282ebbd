"""Input schemas shared by the web form, the JSON API and the workflow, so there is one set of rules.

Keys are the words of the Perki form (kip-rules §5.3). Error messages are Bahasa Indonesia source
strings; :func:`localise` translates them for the interface language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates, validates_schema

from ppid.i18n import N_, _
from ppid.permohonan.identity import nik_problem, normalise_phone
from ppid.permohonan.law import EXEMPTION_GROUNDS, OBJECTION_GROUNDS, TEMPORARY_EXEMPTIONS
from ppid.permohonan.models import (
    OFFICER_CHANNELS,
    AccessMethod,
    Channel,
    CopyFormat,
    CourtLevel,
    DeliveryMethod,
    DisputeResult,
    ObjectionDecision,
    Outcome,
    RequesterType,
)

UNSURE = "tidak_tahu"
"""The requester does not know which dinas holds the information: the PPID Utama routes it."""
REQUIRED = "Wajib diisi."
MESSAGES = {"required": REQUIRED, "null": REQUIRED, "validator_failed": "Isian tidak sah."}


class Text(fields.String):
    default_error_messages: ClassVar[dict[str, str]] = {**MESSAGES, "invalid": "Harus berupa teks."}

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        if not kwargs.get("required"):
            kwargs.setdefault("load_default", None)
            kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:  # PostgreSQL cannot store it, and no one types it
            raise ValidationError(_("Tidak boleh memuat karakter NUL."))
        if len(text) > self.max_length:
            raise ValidationError(_("Paling banyak %(n)s karakter.", n=self.max_length))
        return text


class Choice(fields.Field):
    """One member of an enum (or one of ``choices``), given by its value."""

    default_error_messages: ClassVar[dict[str, str]] = MESSAGES

    def __init__(self, enum_class: type | None = None, *, choices: Iterable[Any] | None = None, **kwargs: Any) -> None:
        if not kwargs.get("required"):
            kwargs.setdefault("load_default", None)
            kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        self.enum_class = enum_class
        self.choices = [str(choice) for choice in (choices if choices is not None else enum_class)]

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if str(value) not in self.choices:
            raise ValidationError(_("Pilih salah satu: %(choices)s.", choices=", ".join(self.choices)))
        return self.enum_class(str(value)) if self.enum_class else str(value)


class Number(fields.Integer):
    default_error_messages: ClassVar[dict[str, str]] = {**MESSAGES, "invalid": "Harus berupa bilangan bulat."}


class Day(fields.Date):
    default_error_messages: ClassVar[dict[str, str]] = {**MESSAGES, "invalid": "Bukan tanggal yang sah (TTTT-BB-HH)."}


class ClockTime(fields.Time):
    default_error_messages: ClassVar[dict[str, str]] = {**MESSAGES, "invalid": "Bukan jam yang sah (JJ:MM)."}


class BaseSchema(Schema):
    """Drops blank values first, so an empty form field counts as missing."""

    error_messages: ClassVar[dict[str, str]] = {
        "unknown": "Kolom tidak dikenal.",
        "type": "Isian harus berupa objek JSON.",
    }

    @pre_load
    def drop_blanks(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            if value not in ("", None, [], {}):
                cleaned[key] = value
        return cleaned


class FilingSchema(BaseSchema):
    """The request form (Perki 1/2010 Lampiran III; Perki 2021-era fields, kip-rules §5.3)."""

    strict_identity = True
    """Web and API filings need an identity number and the declaration; officers may take an oral
    request with what UU KIP Pasal 22(2) requires and ask for the rest later."""

    nama = Text(required=True, max_length=200)
    jenis_pemohon = Choice(RequesterType, required=True)
    nik = Text(max_length=40)
    nomor_sk_pengesahan = Text(max_length=120)
    alamat = Text(required=True, max_length=500)
    pekerjaan = Text(max_length=120)
    telepon = Text(max_length=40)
    email = Text(max_length=255, validate=validate.Email(error="Bukan alamat e-mail yang sah."))
    rincian_informasi = Text(required=True, max_length=5000)
    tujuan_penggunaan = Text(required=True, max_length=2000)
    cara_memperoleh = Choice(AccessMethod, required=True)
    format_salinan = Choice(CopyFormat)
    cara_mendapatkan_salinan = Choice(DeliveryMethod)
    dinas = Text(required=True, max_length=60)
    pernyataan = fields.Boolean(load_default=False, error_messages={"invalid": "Harus ya atau tidak."})
    melalui_kuasa = fields.Boolean(load_default=False, error_messages={"invalid": "Harus ya atau tidak."})
    """Filed by a proxy: the surat kuasa khusus is then required (kip-rules §5.3 f, §5.4)."""

    def __init__(self, *, dinas_slugs: Iterable[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dinas_slugs = frozenset(dinas_slugs)

    @validates("dinas")
    def check_dinas(self, value: str, **_kwargs: Any) -> None:
        if value != UNSURE and value not in self.dinas_slugs:
            raise ValidationError(_("Dinas tidak dikenal; pilih dari daftar, atau \"Tidak tahu\"."))

    @validates("nik")
    def check_nik(self, value: str | None, **_kwargs: Any) -> None:
        problem = nik_problem(value) if value else None
        if problem:
            raise ValidationError(problem)

    @validates("telepon")
    def check_phone(self, value: str | None, **_kwargs: Any) -> None:
        if value and normalise_phone(value) is None:
            raise ValidationError(
                _("Nomor telepon hanya boleh angka, spasi, tanda hubung dan + di depan (8-15 angka).")
            )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def check_together(self, data: dict[str, Any], original: Any, **_kwargs: Any) -> None:
        """Fields needed together; a field that failed its own check is not reported again as missing."""
        errors: dict[str, list[str]] = {}
        kind = data.get("jenis_pemohon")

        def missing(key: str) -> bool:
            return not data.get(key) and not _given(original, key)

        if self.strict_identity:
            if kind == RequesterType.LEGAL_ENTITY and missing("nomor_sk_pengesahan"):
                errors["nomor_sk_pengesahan"] = [
                    _("Badan hukum wajib mengisi nomor SK pengesahan dari Kementerian Hukum.")
                ]
            if kind in (RequesterType.PERSON, RequesterType.GROUP) and missing("nik"):
                errors["nik"] = [_("Wajib diisi: NIK sesuai KTP (untuk kelompok orang, NIK perwakilannya).")]
            if missing("pekerjaan"):
                errors["pekerjaan"] = [REQUIRED]
            if not data.get("pernyataan"):
                errors["pernyataan"] = [_("Centang pernyataan ini untuk mengirim permohonan.")]
        if missing("telepon") and missing("email"):
            message = _("Isi nomor telepon atau e-mail (boleh keduanya) agar PPID dapat menghubungi Anda.")
            errors["telepon"] = errors["email"] = [message]
        if data.get("cara_memperoleh") == AccessMethod.COPY:
            for key in ("format_salinan", "cara_mendapatkan_salinan"):
                if missing(key):
                    errors[key] = [_("Wajib diisi bila meminta salinan.")]
        if data.get("cara_mendapatkan_salinan") == DeliveryMethod.EMAIL and missing("email"):
            errors["email"] = [_("Isi alamat e-mail untuk menerima salinan lewat e-mail.")]
        if errors:
            raise ValidationError(errors)

    @post_load
    def tidy(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if data.get("cara_memperoleh") == AccessMethod.INSPECT:
            data["format_salinan"] = data["cara_mendapatkan_salinan"] = None
        if data.get("telepon"):
            data["telepon"] = normalise_phone(data["telepon"])
        if data.get("email"):
            data["email"] = data["email"].lower()
        return data


class OfficerIntakeSchema(FilingSchema):
    """A request received by letter, e-mail, phone or in person, entered by an officer (Pasal 22(1)-(3), (6))."""

    strict_identity = False

    saluran = Choice(Channel, choices=[channel.value for channel in OFFICER_CHANNELS], required=True)
    tanggal_diterima = Day(required=True)
    jam_diterima = ClockTime(load_default=None)


class ConsequenceTestSchema(BaseSchema):
    """Uji konsekuensi: UU KIP Pasal 19 and Pasal 2(4); how it is done, Perki 1/2021 Pasal 49."""

    informasi = Text(required=True, max_length=2000)
    dasar_hukum = Text(required=True, max_length=1000)
    konsekuensi_jika_dibuka = Text(required=True, max_length=4000)
    pertimbangan_kepentingan_publik = Text(required=True, max_length=4000)
    jangka_waktu = Text(max_length=200)


class RedactionSchema(BaseSchema):
    """A blacked-out part with its reason, UU KIP Pasal 22(7)(e)."""

    bagian = Text(required=True, max_length=1000)
    pasal_17 = Choice(choices=EXEMPTION_GROUNDS, required=True)
    alasan = Text(required=True, max_length=2000)


class DecisionSchema(BaseSchema):
    """The written notice (pemberitahuan tertulis), UU KIP Pasal 22(7) a-g."""

    keputusan = Choice(Outcome, required=True)
    materi = Text(max_length=4000)
    bentuk = Choice(CopyFormat)
    biaya = Number(load_default=0, validate=validate.Range(min=0, error="Tidak boleh negatif."))
    cara_pembayaran = Text(max_length=500)
    waktu_penyediaan = Text(max_length=200)
    penghitaman = fields.List(fields.Nested(RedactionSchema), load_default=list)
    dasar_pengecualian = fields.List(Choice(choices=EXEMPTION_GROUNDS, required=True), load_default=list)
    uji_konsekuensi = fields.Nested(ConsequenceTestSchema, load_default=None, allow_none=True)
    badan_publik_lain = Text(max_length=300)
    catatan = Text(max_length=4000)
    alat_penyampai = Choice(DeliveryMethod)
    """Pasal 22(7)(f): how what is given reaches the requester; the workflow takes the requester's choice if blank."""
    jabatan_pejabat = Text(max_length=200)
    """The signing officer's position on the letters (:mod:`ppid.permohonan.written_notice`)."""
    dik = fields.Integer(strict=False, error_messages={"invalid": N_("Pilih entri DIK dari daftar.")})
    """The DIK entry (:class:`ppid.publication.models.ExemptInformation`) a Pasal 17 refusal rests on; the workflow
    checks it and keeps its particulars in the notice."""

    ALWAYS: ClassVar[frozenset[str]] = frozenset({"catatan", "jabatan_pejabat"})
    RELEVANT: ClassVar[dict[Outcome, set[str]]] = {
        Outcome.GRANTED: {"materi", "bentuk", "biaya", "cara_pembayaran", "waktu_penyediaan", "alat_penyampai"},
        Outcome.PARTLY_GRANTED: {"materi", "bentuk", "biaya", "cara_pembayaran", "waktu_penyediaan", "penghitaman",
                                 "dasar_pengecualian", "uji_konsekuensi", "alat_penyampai", "dik"},
        Outcome.REFUSED: {"dasar_pengecualian", "uji_konsekuensi", "dik"},
        Outcome.NOT_HELD: {"badan_publik_lain"},
        Outcome.NOT_DOCUMENTED: {"waktu_penyediaan"},
    }

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def check_outcome(self, data: dict[str, Any], original: Any, **_kwargs: Any) -> None:
        outcome = data.get("keputusan")
        errors: dict[str, Any] = {}

        def need(key: str, message: str) -> None:
            if not data.get(key) and not _given(original, key):
                errors[key] = [message]

        if outcome in (Outcome.GRANTED, Outcome.PARTLY_GRANTED):
            need("materi", _("Sebutkan materi informasi yang diberikan (Pasal 22 ayat (7) huruf d)."))
            if data.get("biaya"):
                need("cara_pembayaran", _("Sebutkan cara pembayaran biaya (Pasal 22 ayat (7) huruf g)."))
        if outcome == Outcome.PARTLY_GRANTED:
            need("penghitaman", _("Sebutkan bagian yang dihitamkan beserta alasannya (Pasal 22 ayat (7) huruf e)."))
        if outcome == Outcome.REFUSED:
            need("dasar_pengecualian", _("Pilih dasar pengecualian dari Pasal 17 (Pasal 22 ayat (7) huruf c)."))
        if outcome in (Outcome.REFUSED, Outcome.PARTLY_GRANTED):
            need("uji_konsekuensi", _("Informasi hanya dapat dikecualikan setelah uji konsekuensi (Pasal 19)."))
            test = data.get("uji_konsekuensi") or {}
            if test and not test.get("jangka_waktu") and TEMPORARY_EXEMPTIONS & set(self._grounds(data)):
                message = _("Pengecualian berdasarkan Pasal 17 huruf a-f tidak permanen; sebutkan jangka waktunya "
                            "(Pasal 20).")
                errors["uji_konsekuensi"] = {"jangka_waktu": [message]}
        if outcome == Outcome.NOT_DOCUMENTED:
            need("waktu_penyediaan", _("Sebutkan waktu yang dibutuhkan untuk mendokumentasikan informasi."))
        if errors:
            raise ValidationError(errors)

    @post_load
    def keep_relevant(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """Only what the chosen outcome needs goes into the notice; values become plain JSON."""
        outcome = data["keputusan"]
        kept = {key: value for key, value in data.items() if key in self.RELEVANT[outcome] or key in self.ALWAYS}
        if outcome == Outcome.PARTLY_GRANTED:
            kept["dasar_pengecualian"] = self._grounds(data)
        kept = {key: value for key, value in kept.items() if value not in (None, [], "")}
        return {"keputusan": outcome.value, **{key: _plain(value) for key, value in kept.items()}}

    @staticmethod
    def _grounds(data: dict[str, Any]) -> list[str]:
        letters = set(data.get("dasar_pengecualian") or []) | {row["pasal_17"] for row in data.get("penghitaman") or []}
        return sorted(letters)


class ObjectionSchema(BaseSchema):
    """The objection form (kip-rules §5.7): the Pasal 35(1) grounds as codes, and the facts of the case."""

    alasan = fields.List(
        Choice(choices=OBJECTION_GROUNDS, required=True),
        required=True,
        validate=validate.Length(min=1, error="Pilih paling sedikit satu alasan keberatan."),
        error_messages=MESSAGES,
    )
    kasus_posisi = Text(required=True, max_length=5000)

    @post_load
    def sort_grounds(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        data["alasan"] = sorted(set(data["alasan"]))
        return data


class _PayloadSchema(BaseSchema):
    """Input stored as an event payload as it is: plain JSON values, blanks left out."""

    @post_load
    def plain(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: _plain(value) for key, value in data.items() if value is not None}


class ObjectionDecisionSchema(_PayloadSchema):
    """The atasan PPID's written answer (Pasal 36(2)); upholding the PPID needs written reasons (Pasal 36(3))."""

    putusan = Choice(ObjectionDecision, choices=(ObjectionDecision.ACCEPTED, ObjectionDecision.UPHELD), required=True)
    tanggapan = Text(required=True, max_length=5000)
    alasan = Text(max_length=5000)
    jabatan = Text(max_length=200)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def check_reasons(self, data: dict[str, Any], original: Any, **_kwargs: Any) -> None:
        upheld = data.get("putusan") == ObjectionDecision.UPHELD
        if upheld and not data.get("alasan") and not _given(original, "alasan"):
            raise ValidationError(
                {"alasan": [_("Atasan PPID yang menguatkan keputusan PPID wajib menyertakan alasan tertulis "
                              "(Pasal 36 ayat (3)).")]}
            )


class DeliberationSchema(_PayloadSchema):
    """A musyawarah meeting on an objection (Pasal 35(2)): when, who took part, and whether they agreed."""

    tanggal = Day(required=True)
    peserta = Text(required=True, max_length=2000)
    sepakat = Choice(choices=("ya", "tidak"), required=True)
    kesepakatan = Text(max_length=5000)
    """The agreement's text: what the parties agreed (required when they did)."""
    catatan = Text(max_length=2000)

    @validates_schema(skip_on_field_errors=False)
    def check_agreement(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("sepakat") == "ya" and not data.get("kesepakatan"):
            raise ValidationError({"kesepakatan": [_("Tuliskan isi kesepakatan yang dicapai.")]})


class RequesterResponseSchema(_PayloadSchema):
    """The requester's response to the objection's answer (register keberatan column k, kip-rules §5.7)."""

    tanggapan = Text(required=True, max_length=5000)


class PaperResponseSchema(RequesterResponseSchema):
    """The same response received on paper and recorded by an officer, with the day it arrived."""

    tanggal_diterima = Day(required=True)


class DisputeSchema(_PayloadSchema):
    """A dispute the requester took to the Komisi Informasi (UU KIP Pasal 37), recorded from the KI's letter.

    ``tanggal_diterima_ki`` starts the KI's own clock (Pasal 38); when the letter does not say, it is the day the
    requester filed."""

    nomor_register = Text(required=True, max_length=120)
    tanggal_diajukan = Day(required=True)
    tanggal_diterima_ki = Day()
    catatan = Text(max_length=2000)

    @validates_schema
    def check_receipt(self, data: dict[str, Any], **_kwargs: Any) -> None:
        received, filed = data.get("tanggal_diterima_ki"), data.get("tanggal_diajukan")
        if received and filed and received < filed:
            raise ValidationError({"tanggal_diterima_ki": [_("Komisi Informasi tidak dapat menerima sengketa sebelum "
                                                             "tanggal pengajuannya.")]})


class DisputeDecisionSchema(_PayloadSchema):
    """How the Komisi Informasi ended the dispute (Pasal 38-46), from its mediation agreement or ruling."""

    hasil = Choice(DisputeResult, required=True)
    tanggal_putusan = Day(required=True)
    nomor_putusan = Text(max_length=120)
    catatan = Text(max_length=2000)


class CourtCaseSchema(_PayloadSchema):
    """A court stage after the Komisi Informasi's adjudication (Pasal 47-50); its ruling may come later."""

    tingkat = Choice(CourtLevel, required=True)
    nomor_perkara = Text(required=True, max_length=120)
    tanggal_didaftarkan = Day(required=True)
    putusan = Text(max_length=2000)
    tanggal_putusan = Day()

    @validates_schema
    def check_ruling(self, data: dict[str, Any], **_kwargs: Any) -> None:
        ruled, registered = data.get("tanggal_putusan"), data.get("tanggal_didaftarkan")
        if ruled and registered and ruled < registered:
            raise ValidationError({"tanggal_putusan": [_("Tanggal putusan tidak boleh sebelum perkara didaftarkan.")]})
        if bool(ruled) != bool(data.get("putusan")):
            raise ValidationError({"putusan": [_("Isi amar putusan dan tanggalnya bersama-sama, atau kosongkan "
                                                 "keduanya bila putusan belum ada.")]})


class TrackingSchema(BaseSchema):
    """Tracking needs the number and a second factor: the e-mail given when filing (kip-rules §8)."""

    nomor = Text(required=True, max_length=80)
    email = Text(required=True, max_length=255)


def localise(messages: Any) -> Any:
    """Translate the (nested) error messages of a ValidationError into the interface language."""
    if isinstance(messages, str):
        return _(messages)
    if isinstance(messages, Mapping):
        return {str(key): localise(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [localise(value) for value in messages]
    return messages


def flatten(messages: Mapping[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """``{"a": {"0": {"b": [...]}}}`` becomes ``{"a.0.b": [...]}``, for showing errors next to form fields."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return flat


def _given(original: Any, key: str) -> bool:
    """Whether the raw input had a non-blank ``key`` (which then failed its own field check)."""
    value = original.get(key) if isinstance(original, Mapping) else None
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


def _plain(value: Any) -> Any:
    """Enums as their codes and dates as ISO text: event payloads are JSON."""
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


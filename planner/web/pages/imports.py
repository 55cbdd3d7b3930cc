"""Importing people in the browser (HR): upload a CSV or JSON file, read the dry run, then confirm.

The preview and the import are one service call (`planner.services.imports`), the
preview a dry run: nothing is written until HR confirms, and then every row or
none, exactly as with ``planner import``.

Between the preview and the confirmation the uploaded file stays on the server;
it is not sent back and forth through the browser. It is written under a random
name to the upload folder (``IMPORT_UPLOAD_DIR``, by default ``imports/`` in the
instance folder, which app instances on one host share), and the confirmation
form carries a token signed with the app's secret key (itsdangerous) that names
the file, its SHA-256, the account that uploaded it and whether it is a sync
(so the import does what the preview showed), and expires after an hour. Confirming checks the signature, the age, the account and the checksum,
claims the file by renaming it (so a second click cannot import it twice),
imports it and removes it. Files of previews nobody confirmed are removed at the
next upload once they are older than a token's life.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, render_template, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from planner.loaders import InputErrors
from planner.services.imports import ImportResult, import_into_organisation
from planner.services.workspaces import rubric_in_use
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import domain_names, workspace_blueprint
from planner.web.pages.forms import ImportConfirmForm, PeopleImportForm

__all__ = ["UPLOAD_LIFE_SECONDS", "bp"]

bp = workspace_blueprint("imports", __name__, "hr")

#: How long a preview can be confirmed, in seconds.
UPLOAD_LIFE_SECONDS = 3600
_SALT = "planner.people-import"
_KEPT, _CLAIMED = ".upload", ".claimed"


class _Gone(Exception):
    """The preview's file cannot be imported: expired, already imported, altered, or someone else's."""


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_UPLOAD_DIR") or Path(current_app.instance_path) / "imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _keep(raw: bytes, source: str, sync: bool) -> str:
    """Keep an uploaded file until it is confirmed; return the signed token that names it."""
    folder = _folder()
    stale = time.time() - UPLOAD_LIFE_SECONDS
    for old in (*folder.glob(f"*{_KEPT}"), *folder.glob(f"*{_CLAIMED}")):
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    name = secrets.token_urlsafe(24)
    descriptor = os.open(folder / f"{name}{_KEPT}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(raw)
    return _signer().dumps({"file": name, "source": source, "sha256": hashlib.sha256(raw).hexdigest(),
                            "account": current_scope().account_id, "sync": sync})


def _claim(token: str) -> tuple[dict, bytes, Path]:
    """What a token says (source name, sync) and the bytes of its file, claimed so that nobody imports it twice."""
    try:
        kept = _signer().loads(token, max_age=UPLOAD_LIFE_SECONDS)
    except BadSignature:  # a forged, altered or expired token (SignatureExpired is a BadSignature)
        raise _Gone from None
    if kept["account"] != current_scope().account_id:
        raise _Gone
    folder = _folder()
    claimed = folder / f"{kept['file']}{_CLAIMED}"
    try:
        os.rename(folder / f"{kept['file']}{_KEPT}", claimed)  # atomic: of two confirmations, one gets the file
    except FileNotFoundError:
        raise _Gone from None
    raw = claimed.read_bytes()
    if hashlib.sha256(raw).hexdigest() != kept["sha256"]:
        claimed.unlink(missing_ok=True)
        raise _Gone
    return kept, raw, claimed


def _page(form: PeopleImportForm, *, preview: ImportResult | None = None, confirm: ImportConfirmForm | None = None,
          errors: InputErrors | None = None, source: str | None = None, sync: bool = False, status: int = 200):
    rubric = rubric_in_use(get_session(), current_scope()).rubric
    return render_template("imports/people.html", form=form, preview=preview, confirm=confirm,
                           errors=errors.errors if errors else (), source=source, sync=sync,
                           domain_names=domain_names(rubric), life_minutes=UPLOAD_LIFE_SECONDS // 60), status


def _summary(result: ImportResult, sync: bool) -> str:
    archived = f", {result.archived} archived as not in the file" if sync else ""
    newer = len(result.newer_levels)
    kept = (f"; {newer} {'level' if newer == 1 else 'levels'} recorded after the file was exported "
            f"{'replaced by the file' if result.overwritten else 'kept'}") if newer else ""
    return (f"{result.created} added, {result.updated} changed, {result.unchanged} unchanged{archived}; "
            f"{result.assessments} {'level' if result.assessments == 1 else 'levels'} added to people's history"
            f"{kept}")


@bp.get("/import")
def start():
    """Upload a people file to preview what importing it would change."""
    return _page(PeopleImportForm())


@bp.post("/import")
def preview():
    """Validate the uploaded file and show what importing it would change; nothing is written yet."""
    form = PeopleImportForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    upload = form.people.data
    source = Path(upload.filename or "").name[:200] or "people.csv"
    raw, sync = upload.read(), form.sync.data
    try:
        result = import_into_organisation(get_session(), current_scope(), source=source, raw=raw, dry_run=True,
                                          sync=sync)
    except InputErrors as errors:
        return _page(form, errors=errors, source=source, status=422)
    confirm = ImportConfirmForm(formdata=None, upload=_keep(raw, source, sync))
    return _page(PeopleImportForm(formdata=None), preview=result, confirm=confirm, source=source, sync=sync)


@bp.post("/import/confirm")
def confirm():
    """Import the file previewed: every row or none."""
    form = ImportConfirmForm()
    try:
        if not form.validate_on_submit():
            raise _Gone
        kept, raw, claimed = _claim(form.upload.data)
    except _Gone:
        flash("That preview can no longer be imported: it has expired or was imported already. "
              "Upload the file again.", "warning")
        return redirect(url_for(".start"))
    source, sync = kept["source"], kept["sync"]
    try:
        result = import_into_organisation(get_session(), current_scope(), source=source, raw=raw, dry_run=False,
                                          sync=sync, overwrite=form.overwrite.data)
    except InputErrors as errors:  # the people it refers to changed since the preview
        return _page(PeopleImportForm(formdata=None), errors=errors, source=source, status=422)
    finally:
        claimed.unlink(missing_ok=True)
    flash(f"Imported {source}: {_summary(result, sync)}.", "success")
    return redirect(url_for(".start"))

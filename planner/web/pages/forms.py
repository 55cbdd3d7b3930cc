"""Forms of the workspaces: parsing and validating input, nothing more.

POST forms are `FlaskForm`s and carry a CSRF token. The hiring-plan and roadmap
forms only choose what to show, so they are GET forms without one: their
answers are bookmarkable URLs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from planner.domain.assessments import MAX_VERSION, evidence_problem
from planner.domain.model import DOMAINS, LEVELS, MAX_LEVEL, Person, Profile, Rubric
from planner.domain.sequencing import HypotheticalHire

__all__ = ["AssessmentForm", "EraseForm", "ImportConfirmForm", "NewPersonForm", "PeopleImportForm", "PeopleSearchForm",
           "PersonForm", "PlanForm", "RoadmapForm", "RubricUploadForm", "TeamForm", "TeamNameForm", "VersionForm"]

#: How many what-if rows of each kind the hiring page offers.
WHAT_IF_ROWS = 3
#: What a choice field says to a value it does not offer (WTForms' own: "Invalid Choice: could not coerce.").
_CHOOSE = {"invalid_value_message": "Choose one of the options offered.",
           "invalid_choice_message": "Choose one of the options offered."}


def _optional_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _options(pairs: Iterable[tuple[Any, str]], optgroup: str | None = None) -> list[SelectChoice]:
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


def _levels(blank: str, title=lambda n: f"L{n}") -> list[SelectChoice]:
    """A blank option, then levels 1-5 labelled by `title`."""
    return _options([("", blank), *((n, title(n)) for n in range(1, MAX_LEVEL + 1))])


class AssessmentForm(FlaskForm):
    """A level per domain (a domain left blank keeps its current state), evidence and the version read.

    `started` carries the levels the form showed when it was opened, so a save
    that loses a race can tell the user's changes from someone else's.
    """

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0, max=MAX_VERSION)])
    started = HiddenField()
    evidence = TextAreaField("Evidence", validators=[DataRequired("Say what shows these levels.")])

    def validate_evidence(self, field) -> None:
        problem = evidence_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def levels(self) -> dict[str, int]:
        """The chosen level of each domain that has one."""
        return {d: self[d].data for d in DOMAINS if self[d].data is not None}

    def start_from(self, profile: Profile, version: int) -> None:
        """Show `profile` as the levels being edited, at `version`."""
        for domain in DOMAINS:
            self[domain].data = profile.get(domain)
        self.started.data = ",".join("" if v is None else str(v) for v in profile.levels)
        self.version.raw_data, self.version.data = [str(version)], version

    def started_levels(self) -> dict[str, int | None]:
        """The levels the form showed when opened ({} if the field is missing or malformed)."""
        parts = (self.started.data or "").split(",")
        if len(parts) != len(DOMAINS) or any(p not in {"", *map(str, LEVELS)} for p in parts):
            return {}
        return {d: int(p) if p else None for d, p in zip(DOMAINS, parts)}

    def problems(self, rubric: Rubric) -> list[tuple[str, str]]:
        """Every error as (message, id of the field to go to), in the order of the form."""
        first_choice = f"{DOMAINS[0]}-level-0"
        found = [(error, first_choice) for error in self.form_errors]
        for spec in rubric.domains:
            found += [(f"{spec.name}: {error}", f"{spec.slug}-level-0") for error in self[spec.slug].errors]
        found += [(error, "evidence") for error in self.evidence.errors]
        if self.version.errors or self.started.errors:
            found.append(("The form did not arrive whole: reload the page and fill it in again.", "assess-form"))
        return found

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.levels():
            self.form_errors.append("Choose a level for at least one domain.")
            return False
        return valid


for _domain in DOMAINS:
    setattr(AssessmentForm, _domain, RadioField(
        _domain, choices=_options((n, str(n)) for n in LEVELS), coerce=_optional_int, validate_choice=False, **_CHOOSE,
        validators=[Optional(), AnyOf(LEVELS, message="Choose a level from 0 to 5.")]))


class _CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HireRow(Form):
    """A what-if: `count` hires at `level`, strongest in `domains`."""

    count = IntegerField("How many", validators=[Optional(), NumberRange(min=1, max=50)])
    level = SelectField("Level", choices=_levels("No hire"), coerce=_optional_int, **_CHOOSE)
    domains = _CheckboxList("Strongest in", choices=[], validators=[Optional()], **_CHOOSE)

    def validate_level(self, field) -> None:
        if field.data is None and (self.count.data or self.domains.data):
            raise ValidationError("Choose the level of this hire.")


class PromotionRow(Form):
    """A what-if: develop one person, found by name or employee id, to `level`."""

    employee_id = StringField("Person", validators=[Optional(), Length(max=200)],
                              filters=[lambda text: text.strip() if isinstance(text, str) else text])
    level = SelectField("To level", choices=_levels("Level"), coerce=_optional_int, **_CHOOSE)

    def validate_level(self, field) -> None:
        if bool(self.employee_id.data) != (field.data is not None):
            raise ValidationError("Choose both a person and the level to develop them to.")


class PlanForm(FlaskForm):
    """Target stage, hiring pace and what-ifs, read from the query string."""

    class Meta:
        csrf = False

    target = SelectField("Target stage", coerce=_optional_int, validators=[Optional()], **_CHOOSE)
    per_quarter = IntegerField("Hires per quarter", validators=[Optional(), NumberRange(min=1, max=100)])
    hires = FieldList(FormField(HireRow), min_entries=WHAT_IF_ROWS, max_entries=WHAT_IF_ROWS)
    promotions = FieldList(FormField(PromotionRow), min_entries=WHAT_IF_ROWS, max_entries=WHAT_IF_ROWS)

    @classmethod
    def from_query(cls, rubric: Rubric, people: Iterable[Person], default_target: int) -> PlanForm:
        """Bind the query string; a promotion names one of `people` by employee id or by a name only they have."""
        form = cls(formdata=request.args or None, target=default_target)
        form.target.choices = _options((s.number, f"Stage {s.number}: {s.name}") for s in rubric.stages)
        domains = _options((d.slug, d.name) for d in rubric.domains)
        for row in form.hires:
            row.domains.choices = domains
        form._people = people
        return form

    def validate_promotions(self, field) -> None:
        """Each promotion's person, searched by employee id, else by name (any case): it must find one person."""
        asked = [row.employee_id for row in field if row.employee_id.data]
        if not asked:
            return
        ids, by_name = set(), {}
        for person in self._people:
            ids.add(person.employee_id)
            by_name.setdefault(person.name.casefold(), []).append(person.employee_id)
        for entry in asked:
            if entry.data in ids:
                continue
            found = by_name.get(entry.data.casefold(), [])
            if len(found) == 1:
                entry.data = found[0]
            else:
                entry.errors = [*entry.errors, "Nobody has this name or employee id." if not found else
                                f"{len(found)} people have this name: give the employee id (see People)."]
                raise ValidationError("A promotion names nobody, or several people.")

    def what_ifs(self) -> tuple[list[HypotheticalHire], list[tuple[str, int]]]:
        hires = [HypotheticalHire(row.level.data, tuple(row.domains.data or ()))
                 for row in self.hires for _ in range(row.count.data or 1) if row.level.data is not None]
        promotions = [(row.employee_id.data, row.level.data) for row in self.promotions if row.employee_id.data]
        return hires, promotions

    def query_args(self) -> dict[str, Any]:
        """The non-empty answers as query parameters: for export, print and bookmark links."""
        args: dict[str, Any] = {"target": self.target.data, "per_quarter": self.per_quarter.data}
        for name in ("hires", "promotions"):
            for row in self[name]:
                for field in row.form:
                    if field.data not in (None, "", []):
                        args[field.name] = field.data
        return {k: v for k, v in args.items() if v is not None}


class RoadmapForm(FlaskForm):
    """Where I want to go: a target level and the track to reach it on."""

    class Meta:
        csrf = False

    target = SelectField("Target level", coerce=_optional_int, validators=[Optional()], choices=[], **_CHOOSE)
    track = SelectField("On the track", validators=[Optional()], **_CHOOSE)

    @classmethod
    def from_query(cls, rubric: Rubric, current_track: str) -> RoadmapForm:
        form = cls(formdata=request.args or None, track=current_track)
        form.target.choices = _levels("My track's goal", lambda n: f"L{n} {rubric.level_title(n)}")
        form.track.choices = _options((t.slug, t.name) for t in rubric.tracks)
        return form


class RubricChoiceForm(FlaskForm):
    """Use one of the rubrics shipped with the planner (stored as a new rubric version)."""

    rubric = HiddenField(validators=[DataRequired()])


class VersionForm(FlaskForm):
    """Only the version the page showed (and the CSRF token): archiving, restoring."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1)])


class EraseForm(VersionForm):
    """Erasing someone's personal data cannot be undone: the form asks for a deliberate tick."""

    confirm = BooleanField("I understand that this cannot be undone",
                           validators=[DataRequired("Tick the box to confirm the erasure.")])


class PersonForm(VersionForm):
    """Who someone is and where they sit: what HR edits on the roster.

    `offer` fills the track, team and manager choices; the roster service checks
    the references again when saving (a team or manager may go meanwhile).
    """

    name = StringField("Name", validators=[DataRequired("Give the person's name."), Length(max=200)])
    email = EmailField("Email", validators=[Optional(), Length(max=320)])
    track = SelectField("Career track", choices=[])
    team = SelectField("Team", choices=[], validate_choice=False)
    manager_id = SelectField("Reports to", choices=[], validate_choice=False)

    def offer(self, rubric: Rubric, teams: Iterable[tuple[str, str]],
              managers: Iterable[tuple[str, str, str]]) -> None:
        """Choices: the rubric's tracks; teams as (slug, name); managers as (employee id, name, team name)."""
        self.track.choices = _options((t.slug, t.name) for t in rubric.tracks)
        self.team.choices = _options([("", "No team"), *teams])
        choices = _options([("", "Nobody")])
        for employee_id, name, team_name in sorted(managers, key=lambda m: (m[2], m[1])):
            choices += _options([(employee_id, name)], optgroup=team_name or "No team")
        self.manager_id.choices = choices

    def values(self) -> dict[str, Any]:
        """The editable fields as the roster service takes them."""
        return {"name": self.name.data, "email": self.email.data or "", "track": self.track.data,
                "team": self.team.data or None, "manager_id": self.manager_id.data or None}


class NewPersonForm(PersonForm):
    employee_id = StringField("Employee id", validators=[DataRequired("Give their employee id."), Length(max=100)])
    version = HiddenField()


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[DataRequired("Give the team a name."), Length(max=200)])


class TeamNameForm(VersionForm, TeamForm):
    """A new name for a team, at the version the page showed."""


class PeopleSearchForm(FlaskForm):
    """Search and filters of the people list, read from the query string (bookmarkable)."""

    class Meta:
        csrf = False

    q = StringField("Name or employee id", validators=[Optional(), Length(max=200)])
    team = SelectField("Team", validators=[Optional()], choices=[])
    track = SelectField("Track", validators=[Optional()], choices=[])
    level = SelectField("EAISM level", coerce=_optional_int, validators=[Optional()], choices=[])
    domain = SelectField("Domain", validators=[Optional()], choices=[])
    min_level = SelectField("At least", coerce=_optional_int, validators=[Optional()],
                            choices=_levels("Any level"))
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=10**6)])

    @classmethod
    def from_query(cls, rubric: Rubric, teams: Mapping[str, str]) -> PeopleSearchForm:
        form = cls(formdata=request.args or None)
        form.team.choices = _options([("", "Any team"), *sorted(teams.items(), key=lambda t: t[1])])
        form.track.choices = _options([("", "Any track"), *((t.slug, t.name) for t in rubric.tracks)])
        form.level.choices = _options([("", "Any level"), *((n, f"L{n} {rubric.level_title(n)}") for n in LEVELS)])
        form.domain.choices = _options([("", "Any domain"), *((d.slug, d.name) for d in rubric.domains)])
        return form

    def validate_min_level(self, field) -> None:
        if field.data is not None and not self.domain.data:
            raise ValidationError("Choose the domain this level is for.")

    def query_args(self, **changes: Any) -> dict[str, Any]:
        """The non-empty answers as query parameters, with `changes` (e.g. another page)."""
        args = {f.name: f.data for f in self if f.data not in (None, "")}
        return {k: v for k, v in {**args, **changes}.items() if v not in (None, "")}


class RubricUploadForm(FlaskForm):
    rubric = FileField("Edited rubric (TOML)", validators=[
        FileRequired("Choose a .toml file to upload."),
        FileAllowed(["toml"], "The rubric must be a .toml file."),
    ])


class PeopleImportForm(FlaskForm):
    people = FileField("People file (CSV or JSON)", validators=[
        FileRequired("Choose a .csv or .json file to upload."),
        FileAllowed(["csv", "json"], "The people file must be a .csv or .json file."),
    ])
    sync = BooleanField("The file lists everyone: archive the people it leaves out")


class ImportConfirmForm(FlaskForm):
    """Confirms the import previewed: `upload` is the signed token naming the file kept since the preview."""

    upload = HiddenField(validators=[DataRequired("The preview has expired: upload the file again.")])
    overwrite = BooleanField("Use the file's levels for these too")

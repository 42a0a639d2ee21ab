"""The safety facts of a history: checklists and follow-ups written (to the journal
when the history refuses them), and what decides what safety asks for at a start, read
in one place (:meth:`SafetyStore.safety_facts`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from coach.engine.clock import utc_now
from coach.engine.followup import FollowUpAnswer, FollowUpDue, SignSource, sign_words
from coach.engine.records import (
    HIGH_PAIN,
    SessionStatus,
)
from coach.engine.safety import FollowedUp, SafetyFacts
from coach.engine.screening import LastScreening, Outcome
from coach.store.connection import Database, StoreError
from coach.store.facts import CHECK_NAME_COLUMNS, SESSION_NAME_COLUMNS, check_name, session_name
from coach.store.private import (
    os_problem,
)
from coach.store.rows import (
    insert_fact,
    played_order,
)

if TYPE_CHECKING:
    # Types only: the store is opened before the first frame, and the scaling and
    # timeline modules pull in pydantic, which is slow to import.
    pass


__all__ = ["SafetyStore"]


def _name_of_row(db: sqlite3.Connection, table: str, row_id: object) -> str | None:
    """The name of the session or check in row ``row_id`` (None for none)."""
    if not isinstance(row_id, int):
        return None
    columns = SESSION_NAME_COLUMNS if table == "sessions" else CHECK_NAME_COLUMNS
    found = db.execute(f"SELECT {columns} FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if found is None:
        return None
    return session_name(*found) if table == "sessions" else check_name(*found)


def _last_screening(
    db: sqlite3.Connection,
    waiting: Sequence[Mapping[str, Any]] = (),  # Any: journal facts (JSON)
) -> LastScreening | None:
    """The latest checklist, stored or ``waiting`` in the journal."""
    row = db.execute(
        "SELECT taken_at, COALESCE(local_date, date(taken_at, 'localtime')), outcome,"
        " answers_json FROM screenings ORDER BY taken_at DESC, id DESC LIMIT 1"
    ).fetchone()
    rows = [tuple(row)] if row is not None else []
    rows += [(w["taken_at"], w["local_date"], w["outcome"], w["answers_json"]) for w in waiting]
    if not rows:
        return None
    taken_at, day, outcome, answers = max(rows, key=lambda r: str(r[0]))
    ticked = tuple(key for key, yes in json.loads(answers).items() if yes)
    return LastScreening(taken_at, date.fromisoformat(day), Outcome(outcome), ticked)


class SafetyStore(Database):
    """Checklists, follow-ups and the facts that decide what is due."""

    def record_screening(
        self, answers: Mapping[str, bool], outcome: Outcome, local_date: date | None = None
    ) -> None:
        """Store a red-flag checklist, answered on ``local_date`` (by default, today on
        this machine): in the history, or when it refuses, in the journal (StoreError
        only when neither can take it)."""
        now = utc_now()
        day = local_date or datetime.fromisoformat(now).astimezone().date()
        row = {
            "taken_at": now,
            "answers_json": json.dumps(dict(answers), sort_keys=True),
            "outcome": outcome.value,
            "local_date": day.isoformat(),
        }
        self._record_fact("screenings", row)

    # Any: a fact's columns, kept as JSON when refused
    def _record_fact(self, table: str, row: Mapping[str, Any]) -> None:
        """A fact that stands apart from any session, named now (its uid): inserted into
        ``table``, or when the history refuses, kept in a journal file of its own and
        imported at the next start. StoreError only when neither can take it."""
        from coach.engine.ids import new_id

        named = {**row, "uid": new_id()}
        try:
            with self.transaction() as db:
                insert_fact(db, table, named)
        except StoreError as exc:
            if self._journal is None:
                raise
            entry = {"type": "fact", "table": table, "row": named}
            try:
                self._journal.append(named["uid"], [("fact", entry)])
            except OSError as failure:
                where = os_problem(failure, self._journal.path_of(named["uid"]))
                raise StoreError(
                    f"{exc}, and the journal cannot be written either: {where}"
                ) from None

    def _sign_rows(self) -> dict[tuple[SignSource, str], int]:
        """The rows of the signs this store last read, by their facts' names: the
        engine names a sign by its fact's uid, and the follow-up row needs the row (read
        when the sign was, so a history locked since does not stop the follow-up going
        to the journal)."""
        rows: dict[tuple[SignSource, str], int] | None = getattr(self, "_sign_row_ids", None)
        if rows is None:
            rows = {}
            self._sign_row_ids = rows
        return rows

    def _sign_row(self, sign: FollowUpDue) -> int | None:
        """The row of the session or check ``sign`` was reported in (None when the
        history has none: a session still waiting in the journal)."""
        if sign.sign_uid is None:
            return None
        known = self._sign_rows().get((sign.source, sign.sign_uid))
        if known is not None:
            return known
        table = "sessions" if sign.source is SignSource.SESSION else "checks"
        with self.connect() as db:
            row = db.execute(f"SELECT id FROM {table} WHERE uid = ?", (sign.sign_uid,)).fetchone()
            if row is not None:
                return int(row[0])
            # A row not named yet goes by the name it will get.
            columns = SESSION_NAME_COLUMNS if table == "sessions" else CHECK_NAME_COLUMNS
            for row_id, *named in db.execute(
                f"SELECT id, {columns} FROM {table} WHERE uid IS NULL"
            ).fetchall():
                name = session_name(*named) if table == "sessions" else check_name(*named)
                if name == sign.sign_uid:
                    return int(row_id)
        return None

    def last_check_day(self) -> date | None:
        """The day of the last function check with a hold done (coach.store.checks)."""
        with self.connect() as db:
            row = db.execute(
                "SELECT MAX(c.local_date) FROM checks c WHERE EXISTS (SELECT 1 FROM"
                " check_holds h WHERE h.check_id = c.id AND h.seconds IS NOT NULL)"
            ).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def last_screening(self) -> LastScreening | None:
        """The latest red-flag checklist, if any (stored, or waiting in the journal)."""
        waiting = self.waiting_facts("screenings")
        with self.connect() as db:
            return _last_screening(db, waiting)

    def safety_facts(self) -> SafetyFacts:
        """What decides what safety asks for at a start (:mod:`coach.engine.safety`), read
        in one place: the last checklist, the latest warning sign of a session and of a
        function check, the follow-ups that let the person go on, the latest session
        stopped for very high pain, the last function check."""
        waiting_checklists = self.waiting_facts("screenings")
        waiting_follow_ups = [f for f in self.waiting_facts("follow_ups") if f.get("cleared")]
        with self.connect() as db:
            last = _last_screening(db, waiting_checklists)
            # By status first (indexed): a session is closed as a red flag as soon as the
            # sign is stored; only a running one (its coach killed) needs its sets read.
            # A running one has no end yet: its sign's time is unknown.
            session = db.execute(
                "SELECT id, COALESCE(local_date, date(started_at, 'localtime')),"
                f" CASE WHEN status = ? THEN ended_at END, {SESSION_NAME_COLUMNS} FROM sessions"
                " WHERE status = ? OR (status = ? AND EXISTS (SELECT 1 FROM sets"
                " WHERE sets.session_id = sessions.id"
                " AND (numbness OR leg_weakness OR pain_below_knee)))"
                f" ORDER BY {played_order(newest_first=True)} LIMIT 1",
                (
                    SessionStatus.RED_FLAG.value,
                    SessionStatus.RED_FLAG.value,
                    SessionStatus.RUNNING.value,
                ),
            ).fetchone()
            signs: list[FollowUpDue] = []
            if session is not None:
                sid, day, at, *named = session
                flags = db.execute(
                    "SELECT MAX(numbness), MAX(leg_weakness), MAX(pain_below_knee) FROM sets"
                    " WHERE session_id = ?",
                    (sid,),
                ).fetchone()
                uid = session_name(*named)
                self._sign_rows()[(SignSource.SESSION, uid)] = sid
                signs.append(FollowUpDue(uid, date.fromisoformat(day), sign_words(*flags), at=at))
            check = db.execute(
                "SELECT id, local_date, COALESCE(ended_at, started_at), numbness, leg_weakness,"
                f" pain_below_knee, {CHECK_NAME_COLUMNS} FROM checks"
                " WHERE numbness OR leg_weakness OR pain_below_knee"
                " ORDER BY started_at DESC, id DESC LIMIT 1"
            ).fetchone()
            if check is not None:
                cid, day, at, numbness, weakness, below_knee, *named = check
                uid = check_name(*named)
                self._sign_rows()[(SignSource.CHECK, uid)] = cid
                signs.append(
                    FollowUpDue(
                        uid,
                        date.fromisoformat(day),
                        sign_words(numbness, weakness, below_knee),
                        SignSource.CHECK,
                        at,
                    )
                )
            (cleared_at,) = db.execute(
                "SELECT MAX(asked_at) FROM follow_ups WHERE cleared = 1"
            ).fetchone()
            # Which signs the follow-ups cleared, by their facts' names (the rows are few:
            # one per warning sign answered).
            cleared = [
                (_name_of_row(db, "sessions", s), _name_of_row(db, "checks", c))
                for s, c in db.execute(
                    "SELECT session_id, check_id FROM follow_ups WHERE cleared = 1"
                ).fetchall()
            ]
            # Follow-ups kept in the journal while the history refused them count too.
            for answered in waiting_follow_ups:
                cleared.append(
                    (
                        _name_of_row(db, "sessions", answered.get("session_id")),
                        _name_of_row(db, "checks", answered.get("check_id")),
                    )
                )
                stamps = [at for at in (cleared_at, answered.get("asked_at")) if at]
                cleared_at = max(stamps, default=None)
            cleared_session = max((s for s, _ in cleared if s), default="")
            cleared_check = max((c for _, c in cleared if c), default="")
            (high_pain,) = db.execute(
                "SELECT MAX(ended_at) FROM sessions WHERE status = ? AND stop_reason = ?",
                (SessionStatus.STOPPED.value, HIGH_PAIN),
            ).fetchone()
            (has_sessions,) = db.execute("SELECT EXISTS (SELECT 1 FROM sessions)").fetchone()
        waiting, waiting_high_pain = self._waiting_safety()
        stops = [at for at in (high_pain, waiting_high_pain) if at is not None]
        return SafetyFacts(
            last,
            (*signs, *waiting),
            FollowedUp(cleared_session, cleared_check, cleared_at),
            max(stops, default=None),
            self.last_check_day(),
            bool(has_sessions) or bool(waiting) or waiting_high_pain is not None,
        )

    def _waiting_safety(self) -> tuple[list[FollowUpDue], str | None]:
        """The warning signs, and the latest stop for very high pain, of sessions still
        waiting in the journal (the history refused them and has not taken them yet):
        what is due counts them as if stored. Reads only; a file it cannot read is left
        to the import, which says so."""
        signs: list[FollowUpDue] = []
        high_pain: str | None = None
        if self._journal is None:
            return signs, high_pain
        for found in self.journal_sessions():
            try:
                assert found.session is not None
                row, finish = found.session["row"], found.finish or {}
                status, ended_at = finish.get("status"), finish.get("ended_at")
                marks = [
                    any(s.get(flag) for s in found.sets.values())
                    for flag in ("numbness", "leg_weakness", "pain_below_knee")
                ]
                if status == SessionStatus.RED_FLAG.value or (not finish and any(marks)):
                    signs.append(
                        FollowUpDue(
                            found.uid,
                            date.fromisoformat(row["local_date"]),
                            sign_words(*marks),
                            at=ended_at if isinstance(ended_at, str) else None,
                        )
                    )
                if finish.get("reason") == HIGH_PAIN and isinstance(ended_at, str):
                    high_pain = max(high_pain or ended_at, ended_at)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        return signs, high_pain

    def record_follow_up(
        self, sign: FollowUpDue, answer: FollowUpAnswer, *, cleared: bool, local_date: date
    ) -> None:
        """Store a follow-up of ``sign`` (the warning sign of a session or of a check)."""
        row_id = self._sign_row(sign)
        if row_id is None:
            raise StoreError(
                "the session of this warning sign is still in the journal, not in the "
                "history, so coach asks again at the next start"
            )
        row = {
            "session_id": row_id if sign.source is SignSource.SESSION else None,
            "check_id": row_id if sign.source is SignSource.CHECK else None,
            "asked_at": utc_now(),
            "local_date": local_date.isoformat(),
            "symptoms": answer.symptoms.value,
            "clinician_seen": int(answer.clinician_seen),
            "cleared": int(cleared),
        }
        self._record_fact("follow_ups", row)

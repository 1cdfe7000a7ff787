"""`netsafe user`: local accounts — create, list, TOTP enrolment, disable/enable, reset, unlock.

Every change is recorded in the audit log (actor `cli:<login>`).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import typer

from netsafe.cli.audit_cmd import cli_event
from netsafe.cli.context import command_context
from netsafe.cli.output import (
    JSON_OPTION_HELP,
    BadInputError,
    ExitCode,
    Printer,
    emit,
    print_table,
)
from netsafe.platform import users as accounts
from netsafe.platform.account_sides import AccountProblem, account_problems
from netsafe.platform.audit import record
from netsafe.platform.users import User, UserError
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.audit import SqlAuditRepository
from netsafe.store.repositories.users import SqlUserRepository

app = typer.Typer(
    help="Local user accounts: create, list, TOTP, disable, reset.", no_args_is_help=True
)

PASSWORD_STDIN_HELP = "Read the password from the first line of stdin (for scripts)."  # noqa: S105


def user_json(user: User) -> dict[str, Any]:
    """A user as JSON: never the password hash or TOTP secret."""
    return {
        "id": user.id,
        "username": user.username,
        "agency": user.agency,
        "role": user.role.value,
        "totp_enrolled": user.totp_enrolled,
        "disabled": user.disabled,
        "locked_until": user.locked_until,
        "failed_logins": user.failed_logins,
        "created_at": user.created_at,
        "last_login_at": user.last_login_at,
    }


def read_password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or typed twice at a hidden prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise BadInputError("--password-stdin: stdin is empty (expected the password)")
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _bad(error: UserError) -> BadInputError:
    return BadInputError(f"{error.field}: {error.message}")


@app.command("create")
def create(
    name: str = typer.Argument(..., help="Username: lower-case letters, digits, '.', '_', '-'."),
    agency: str = typer.Option(..., "--agency", help="Agency slug, e.g. gwent or charity."),
    role: str = typer.Option(
        ...,
        "--role",
        help="investigator, examiner, supervisor, …; a charity role (helpline, charity-analyst, "
        "charity-admin) only in the charity, the others only in a force or the regional unit.",
    ),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=PASSWORD_STDIN_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Create a local account (password from stdin, or prompted)."""
    password = read_password(password_stdin)
    context = command_context()
    with context.transaction() as session:
        try:
            user = accounts.create_user(
                SqlUserRepository(session),
                SqlAgencyRepository(session),
                username=name,
                agency=agency,
                role=role,
                password=password,
                now=datetime.now(UTC),
            )
        except UserError as error:
            raise _bad(error) from None
        record(SqlAuditRepository(session), [cli_event("user.create", "user", user.id)])
    emit(
        user_json(user),
        as_json=as_json,
        render=lambda c: c.print(f"created {user.username} ({user.role.value}, {user.agency})"),
    )


@app.command("list")
def list_users(
    problems: bool = typer.Option(
        False,
        "--problems",
        help="Only accounts whose role and agency are on different sides of the charity wall "
        "(they cannot log in); exit 1 when there are any.",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """List every account with its agency, role, TOTP and lock state."""
    with command_context().transaction() as session:
        users = SqlUserRepository(session).all()
        if problems:
            found = account_problems(users, SqlAgencyRepository(session).all())
    if problems:
        _list_problems(found, as_json)
        return

    def render(console: Printer) -> None:
        rows = []
        now = datetime.now(UTC)
        for u in users:
            state = "disabled" if u.disabled else "locked" if u.locked_at(now) else "active"
            last = u.last_login_at.isoformat(timespec="minutes") if u.last_login_at else "never"
            totp = "yes" if u.totp_enrolled else "no"
            rows.append((u.username, u.agency, u.role.value, totp, state, last))
        columns = ("username", "agency", "role", "TOTP", "state", "last login")
        print_table(console, columns, rows)

    emit([user_json(u) for u in users], as_json=as_json, render=render)


def _list_problems(found: list[AccountProblem], as_json: bool) -> None:
    def render(console: Printer) -> None:
        if not found:
            console.print("no account crosses the charity wall")
            return
        rows = [(p.username, p.agency, p.role.value, p.problem) for p in found]
        print_table(console, ("username", "agency", "role", "problem"), rows)

    rows = [
        {"username": p.username, "agency": p.agency, "role": p.role.value, "problem": p.problem}
        for p in found
    ]
    emit(rows, as_json=as_json, render=render)
    if found:
        raise typer.Exit(int(ExitCode.FAILED))


@app.command("totp")
def totp(
    name: str = typer.Argument(..., help="Username."),
    remove: bool = typer.Option(False, "--remove", help="Remove the second factor instead."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Enrol a TOTP second factor: prints the otpauth:// URI for the user's authenticator app."""
    with command_context().transaction() as session:
        repository = SqlUserRepository(session)
        try:
            if remove:
                user, uri = accounts.remove_totp(repository, name), None
            else:
                user, uri = accounts.enrol_totp(repository, name)
        except UserError as error:
            raise _bad(error) from None
        action = "user.totp-remove" if remove else "user.totp-enrol"
        record(SqlAuditRepository(session), [cli_event(action, "user", user.id)])
    emit(
        {"username": user.username, "totp_enrolled": user.totp_enrolled, "otpauth_uri": uri},
        as_json=as_json,
        render=lambda c: c.print(uri or f"TOTP removed for {user.username}", highlight=False),
    )


def _change(name: str, action: str, as_json: bool, change: Any) -> None:
    with command_context().transaction() as session:
        try:
            user = change(SqlUserRepository(session))
        except UserError as error:
            raise _bad(error) from None
        record(SqlAuditRepository(session), [cli_event(action, "user", user.id)])
    emit(user_json(user), as_json=as_json, render=lambda c: c.print(f"{action}: {name}"))


@app.command("disable")
def disable(
    name: str = typer.Argument(..., help="Username."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Disable an account (its sessions and tokens stop working at once)."""
    _change(name, "user.disable", as_json, lambda r: accounts.set_disabled(r, name, disabled=True))


@app.command("enable")
def enable(
    name: str = typer.Argument(..., help="Username."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Enable a disabled account."""
    _change(name, "user.enable", as_json, lambda r: accounts.set_disabled(r, name, disabled=False))


@app.command("reset-password")
def reset_password(
    name: str = typer.Argument(..., help="Username."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=PASSWORD_STDIN_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Set a new password, clear any lockout and end the user's sessions and tokens."""
    password = read_password(password_stdin)

    _change(
        name,
        "user.reset-password",
        as_json,
        lambda r: accounts.reset_password(r, name, password),
    )


@app.command("unlock")
def unlock(
    name: str = typer.Argument(..., help="Username."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Clear a lockout after failed logins."""
    _change(name, "user.unlock", as_json, lambda r: accounts.unlock(r, name))

"""The access matrix: for every named URL, who gets which response.

A URL that is not listed here fails tests/access/test_matrix.py, so a view cannot be added
without a permission decision. Users (keys of the `cast` fixture, plus "anonymous"):
  citizen (owner of the world's citizen objects), citizen2 (a stranger citizen),
  officer (officer of the owning station), officer_other (officer of another station),
  operator, supervisor, auditor, admin.
"""

from dataclasses import dataclass, field

from tests.access.request_rules import REQUEST_RULES
from tests.access.users import USERS

STAFF = ["officer", "officer_other", "operator", "supervisor", "auditor", "admin"]
CONTROL_ROOM = ["operator", "supervisor"]


@dataclass
class Rule:
    expect: dict  # user key -> status code
    kwargs: object = field(default_factory=dict)  # dict, or callable(world) -> dict
    method: str = "get"
    data: object = field(default_factory=dict)  # dict, or callable(world) -> dict
    query: str = ""

    def resolve_kwargs(self, world):
        return self.kwargs(world) if callable(self.kwargs) else self.kwargs

    def resolve_data(self, world):
        return self.data(world) if callable(self.data) else self.data


def everyone(status=200, **options):
    return Rule(expect=dict.fromkeys(USERS, status), **options)


def logged_in(status=200, anonymous=302, **options):
    return Rule(expect={"anonymous": anonymous, **dict.fromkeys(USERS[1:], status)}, **options)


def only(allowed, status=200, denied=403, anonymous=302, **options):
    expect = {u: (status if u in allowed else denied) for u in USERS[1:]}
    return Rule(expect={"anonymous": anonymous, **expect}, **options)


def custom(expect, **options):
    missing = set(USERS) - set(expect)
    if missing:
        raise ValueError(f"access rule does not say what happens for {sorted(missing)}")
    return Rule(expect=expect, **options)


# Logged-in users are sent away from login and register pages.
_guest_only = custom({"anonymous": 200, **dict.fromkeys(USERS[1:], 302)})

RULES = {
    "portal-home": custom({"anonymous": 200, **dict.fromkeys(USERS[1:], 302)}),
    "portal-dashboard": logged_in(),
    "portal-login": _guest_only,
    "portal-logout": everyone(302, method="post"),
    "portal-register": _guest_only,
    "portal-register-done": everyone(),
    "portal-confirm-email": everyone(302, kwargs={"token": "not-a-token"}),
    "password_reset": everyone(),
    "password_reset_done": everyone(),
    "password_reset_confirm": everyone(200, kwargs={"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": everyone(),
    "portal-set-language": everyone(302, method="post", data={"language": "hi", "next": "/"}),
    "portal-audit": only(["auditor", "admin"]),
    "portal-audit-verify": only(["auditor", "admin"], status=302, method="post"),
    # Recordings (evidence): staff pages; the camera picker serves request forms of every role.
    "evidence-camera-list": only(STAFF),
    "evidence-camera-detail": only(STAFF, kwargs=lambda w: {"code": w["camera"].code}),
    "evidence-camera-timeline": only(
        STAFF, kwargs=lambda w: {"code": w["camera"].code, "day": "2026-11-25"}
    ),
    "evidence-camera-picker": logged_in(query="?q=gate"),
    "evidence-health": only(STAFF),
    # Exports: the control room sees every job; the requesting station's officers (granted on
    # approval) see and download theirs; auditors read the log, never the footage.
    "evidence-export-list": only(CONTROL_ROOM),
    "evidence-export-detail": custom(
        {
            "anonymous": 302,
            **dict.fromkeys(USERS[1:], 404),
            "officer": 200,
            "operator": 200,
            "supervisor": 200,
        },
        kwargs=lambda w: {"token": w["export_job"].token},
    ),
    "evidence-export-retry": only(
        CONTROL_ROOM, status=302, method="post", kwargs=lambda w: {"token": w["export_job"].token}
    ),
    "evidence-export-download": custom(
        {
            "anonymous": 302,
            **dict.fromkeys(USERS[1:], 404),
            "officer": 200,
            "operator": 200,
            "supervisor": 200,
        },
        kwargs=lambda w: {"token": w["export_file"].token},
    ),
    "evidence-verify": everyone(),
}
RULES.update({name: Rule(**spec) for name, spec in REQUEST_RULES.items()})

# The Django admin has its own permission system: staff-only, tested once as a whole.
EXEMPT_NAMESPACES = {"admin"}

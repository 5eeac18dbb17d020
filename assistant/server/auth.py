"""Who calls the API. Without accounts configured the API is open, like the UI. With them, every call but the
health check carries ``Authorization: Bearer <token>``, a token got from ``POST /api/v1/token`` with the account's
user name and password (HTTP basic); logs need an admin account. The API description is shown to callers with a
token or a signed-in UI session."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasic, HTTPBasicCredentials, HTTPBearer

from assistant.core.accounts import Account
from assistant.server.service import Service, service

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/token (needed when login is configured)")
basic = HTTPBasic(auto_error=False, description="An account's user name and password from the auth file")


def _unauthorised(detail: str, scheme: str = "Bearer") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": scheme})


def caller(
    svc: Annotated[Service, Depends(service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Account | None:
    """The account behind the bearer token; None when login is not configured (the API is then open)."""
    if not svc.login:
        return None
    if credentials is None:
        raise _unauthorised("sign-in is configured: send Authorization: Bearer <token> (POST /api/v1/token)")
    account = svc.signer.verify(credentials.credentials, svc.accounts)
    if account is None:
        raise _unauthorised("the bearer token is invalid or has expired: get a new one from POST /api/v1/token")
    return account


def admin(account: Annotated[Account | None, Depends(caller)]) -> Account:
    """An admin account: questions and comments in the logs are personal data."""
    if account is None or not account.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="reading the logs needs an account with the admin role")
    return account


def sign_in(
    request: Request,
    svc: Annotated[Service, Depends(service)],
    credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)],
) -> Account:
    """The account whose user name and password came with HTTP basic auth, under the same back-off as the UI."""
    if not svc.login:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="login is not configured: the API needs no token")
    if credentials is None:
        raise _unauthorised("send the account's user name and password with HTTP basic auth", "Basic")
    user, address = credentials.username.strip(), request.client.host if request.client else ""
    wait = svc.guard.retry_after(user, address)
    if wait > 0:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many failed sign-ins: try again in {wait:.0f} s",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    account = next((a for a in svc.accounts if a.user == user), None)
    given = credentials.password.encode("utf-8")
    if account is None or not hmac.compare_digest(given, account.password.encode("utf-8")):
        svc.guard.failed(user, address)
        raise _unauthorised("wrong user name or password", "Basic")
    svc.guard.succeeded(user, address)
    return account


def may_read_docs(
    request: Request,
    svc: Annotated[Service, Depends(service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """The API description is public only without login; with it, a token or a signed-in UI session is needed."""
    if not svc.login or svc.ui_user(request):
        return
    if credentials is None or svc.signer.verify(credentials.credentials, svc.accounts) is None:
        raise _unauthorised("the API description is for signed-in users: sign in to the app first, or send a token")

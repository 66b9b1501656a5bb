"""The authentication backend: inactive users may reach the login form's own message, but a
session never outlives the account's deactivation."""

from django.contrib.auth.backends import AllowAllUsersModelBackend


class AccountBackend(AllowAllUsersModelBackend):
    """Authenticates inactive users too (so the login form can tell them to confirm their email
    and refuse them there), but never restores one from a session: deactivating an account
    ends every session it has."""

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

"""The claims the test provider gives: a table per user name (OIDC_PROVIDER_PEOPLE, a JSON
file run.py writes), as a real provider gives its directory's attributes."""

import json
import os
from functools import cache

from oauth2_provider.oauth2_validators import OAuth2Validator


@cache
def people() -> dict[str, dict]:
    with open(os.environ["OIDC_PROVIDER_PEOPLE"], encoding="utf-8") as source:
        return {person["username"]: person for person in json.load(source)}


class ClaimsValidator(OAuth2Validator):
    # Claims outside the standard scopes: groups and the unit with the profile, the
    # authentication methods (amr, acr) in every ID token.
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "groups": "profile",
        "unit": "profile",
        "amr": "openid",
        "acr": "openid",
    }

    def get_additional_claims(self, request):
        person = people()[request.user.username]
        return {"preferred_username": request.user.username, **person.get("claims", {})}

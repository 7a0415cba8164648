"""Production settings: the development settings plus the public address."""

import os

from venez_vivre.settings import settings_beside

globals().update(settings_beside(__file__, "pelicanconf.py"))

SITEURL = os.environ.get("SITEURL", "https://venez-vivre.example.org")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
SIGNUP_ENDPOINT = os.environ.get(
    "SIGNUP_ENDPOINT", "https://inscriptions.venez-vivre.example.org/inscriptions"
)
SIGNUP_REQUIRE_HTTPS = True  # plugins/signup refuses to build with a missing or http endpoint
# plugins/podcast refuses to publish a feed whose addresses are not absolute https://
# (SITEURL): podcast apps keep the enclosure and artwork URLs they are given.
PODCAST_REQUIRE_HTTPS = True

# `make deploy` (tools/deploy.py, docs/publishing.md): where the published site goes.
# Targets come from the environment so that a fork does not deploy onto ours.
DEPLOY = {
    "method": os.environ.get("DEPLOY_METHOD", "rsync"),
    "rsync": {
        "target": os.environ.get("DEPLOY_RSYNC_TARGET", ""),  # user@host:/srv/venez-vivre/
        "ssh": os.environ.get("DEPLOY_SSH", "ssh"),
    },
    "s3": {
        "bucket": os.environ.get("DEPLOY_S3_BUCKET", ""),
        "prefix": os.environ.get("DEPLOY_S3_PREFIX", ""),
        "endpoint_url": os.environ.get("DEPLOY_S3_ENDPOINT") or None,  # any S3-compatible
        "region": os.environ.get("DEPLOY_S3_REGION") or None,
    },
}

# Images: the tuned defaults of plugins/images/config.py (slower AVIF, smaller files).
IMAGES = {}

# The web editor's git backend (plugins/cms, docs/cms.md): from the environment, so that
# a fork does not point at our repository. PKCE needs no secret (GitLab, Gitea/Forgejo).
_CMS_BACKEND = os.environ.get("CMS_BACKEND", "gitlab")
CMS = {
    "enabled": os.environ.get("CMS_ENABLED", "1") != "0",
    "backend": {
        "name": _CMS_BACKEND,
        "repo": os.environ.get("CMS_REPO", ""),  # namespace/project
        "branch": os.environ.get("CMS_BRANCH", "main"),
        **({"auth_type": "pkce"} if _CMS_BACKEND in ("gitlab", "gitea") else {}),
        **{
            key: os.environ[variable]
            for key, variable in (
                ("app_id", "CMS_APP_ID"),
                ("base_url", "CMS_BASE_URL"),
                ("api_root", "CMS_API_ROOT"),
            )
            if os.environ.get(variable)
        },
    },
    "editorial_workflow": os.environ.get("CMS_EDITORIAL_WORKFLOW", "0") == "1",
}

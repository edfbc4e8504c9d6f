lock "~> 3.17"

set :application, "demo-web"
set :repo_url, "https://git.example.com/demo-web.git"
set :deploy_to, "/srv/demo-web"

# deploy-guard: where to report, and what. Tokens are read from DEPLOY_GUARD_TOKEN (ingest) and
# DEPLOY_GUARD_READ_TOKEN (read, for the gate) in the environment, never from this file.
set :deploy_guard_url, ENV.fetch("DEPLOY_GUARD_URL", "http://127.0.0.1:8080")
set :deploy_guard_service, -> { fetch(:application) }
set :deploy_guard_environment, -> { fetch(:stage).to_s }
set :deploy_guard_version, -> { ENV.fetch("DEPLOY_VERSION") { fetch(:branch) } }
# Wait for the verdict after deploy:finished and fail the deploy unless it passes (or warns). The default rule is
# sequential: a first look 10 minutes after the deploy, then the window grows until the evidence is decisive, so a
# clear pass or fail usually comes within 10 to 30 minutes, but a quiet service may only be decided (or held) at the
# longest window, 4 hours. The timeout covers that, plus the ingest grace; lower it only with a shorter max_minutes.
set :deploy_guard_gate, true
set :deploy_guard_gate_timeout, (4 * 60 + 5) * 60
set :deploy_guard_gate_interval, 10

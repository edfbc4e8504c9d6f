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
# Wait for the verdict after deploy:finished and fail the deploy unless it passes (or warns).
set :deploy_guard_gate, true
set :deploy_guard_gate_timeout, 45 * 60
set :deploy_guard_gate_interval, 10

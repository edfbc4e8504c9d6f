# deploy-guard hooks for Capistrano 3: deploy events on start, finish, failure and rollback, and a gate that waits
# for the release's verdict. Plain Net::HTTP, so nothing to install beyond Capistrano.
require "json"
require "net/http"
require "uri"

module DeployGuard
  class Error < StandardError; end

  module_function

  def request(method, url, path, token, body = nil)
    uri = URI.join(url, path)
    req = method == :post ? Net::HTTP::Post.new(uri) : Net::HTTP::Get.new(uri)
    req["Authorization"] = "Bearer #{token}" if token && !token.empty?
    if body
      req["Content-Type"] = "application/json"
      req.body = JSON.generate(body)
    end
    res = Net::HTTP.start(uri.host, uri.port, use_ssl: uri.scheme == "https", open_timeout: 5, read_timeout: 15) { |http| http.request(req) }
    parsed = JSON.parse(res.body) rescue {}
    # problem+json says what was wrong; the token is never part of it.
    raise Error, "deploy-guard answered #{res.code} to #{method.upcase} #{uri.path}: #{parsed['detail'] || res.body.to_s[0, 300]}" unless res.is_a?(Net::HTTPSuccess)
    parsed
  end

  def ingest_token
    ENV["DEPLOY_GUARD_TOKEN"]
  end

  def read_token
    ENV["DEPLOY_GUARD_READ_TOKEN"].to_s.empty? ? ingest_token : ENV["DEPLOY_GUARD_READ_TOKEN"]
  end
end

namespace :deploy_guard do
  # Helpers for the tasks below, named deploy_guard_* as Rake defines them on the top-level object.
  def deploy_guard_event(phase, deploy_id: nil)
    event = {
      service: fetch(:deploy_guard_service), environment: fetch(:deploy_guard_environment),
      version: fetch(:deploy_guard_version).to_s, phase: phase, tool: "capistrano",
    }
    if deploy_id
      event[:deploy_id] = deploy_id
      event[:event_id] = "#{deploy_id}-#{phase}"
    end
    hosts = roles(:all).map(&:hostname)
    event[:hosts] = hosts if phase == "started" && !hosts.empty?
    answer = DeployGuard.request(:post, fetch(:deploy_guard_url), "/api/v1/deploys", DeployGuard.ingest_token, event)
    set :deploy_guard_release_id, answer["release_id"]
    puts "deploy-guard: #{phase} #{event[:service]} #{event[:version]} (release #{answer['release_id']})"
  end

  def deploy_guard_deploy_id
    "#{fetch(:deploy_guard_service)}-#{fetch(:deploy_guard_version)}-#{release_timestamp}"
  end

  desc "Tell deploy-guard the deploy starts (hooked before deploy:starting)"
  task :notify_started do
    next if fetch(:deploy_guard_rolling_back, false)
    deploy_guard_event("started", deploy_id: deploy_guard_deploy_id)
  end

  desc "Tell deploy-guard the deploy finished (hooked after deploy:finished)"
  task :notify_finished do
    next if fetch(:deploy_guard_rolling_back, false)
    deploy_guard_event("finished", deploy_id: deploy_guard_deploy_id)
  end

  desc "Tell deploy-guard the deploy failed (hooked after deploy:failed)"
  task :notify_failed do
    # A deploy the gate stopped has its verdict already; a failed event would only repeat it.
    next if fetch(:deploy_guard_verdict, nil)
    deploy_guard_event("failed", deploy_id: deploy_guard_deploy_id)
  end

  desc "Tell deploy-guard the release was rolled back (hooked after deploy:reverted; DEPLOY_VERSION names it)"
  task :notify_rolled_back do
    deploy_guard_event("rolled_back")
  end

  task :rolling_back do
    set :deploy_guard_rolling_back, true
  end

  desc "Wait for deploy-guard's verdict on this release; fail the deploy unless it passes or warns"
  task :gate do
    next if fetch(:deploy_guard_rolling_back, false) || !fetch(:deploy_guard_gate, true)
    url = fetch(:deploy_guard_url)
    id = fetch(:deploy_guard_release_id, nil)
    unless id
      query = URI.encode_www_form(service: fetch(:deploy_guard_service), environment: fetch(:deploy_guard_environment), version: fetch(:deploy_guard_version), limit: 1)
      id = DeployGuard.request(:get, url, "/api/v1/releases?#{query}", DeployGuard.read_token)["releases"].first&.fetch("id")
      raise DeployGuard::Error, "deploy-guard has no release #{fetch(:deploy_guard_service)} #{fetch(:deploy_guard_version)}" unless id
    end
    deadline = Time.now + fetch(:deploy_guard_gate_timeout)
    verdict = nil
    loop do
      verdict = DeployGuard.request(:get, url, "/api/v1/releases/#{id}/verdict", DeployGuard.read_token)
      break if verdict["final"]
      raise DeployGuard::Error, "deploy-guard: no final verdict within #{fetch(:deploy_guard_gate_timeout)} s; a person should decide" if Time.now > deadline
      puts "deploy-guard: #{verdict['status']} — #{verdict['summary']}"
      sleep fetch(:deploy_guard_gate_interval)
    end
    set :deploy_guard_verdict, verdict["status"]
    puts "deploy-guard: #{verdict['status'].upcase}: #{verdict['summary']}"
    unless %w[pass warn].include?(verdict["status"])
      raise DeployGuard::Error, "deploy-guard: #{verdict['status']}: #{verdict['summary']} To roll back: cap #{fetch(:stage)} deploy:rollback DEPLOY_VERSION=#{fetch(:deploy_guard_version)}"
    end
  end
end

before "deploy:starting", "deploy_guard:notify_started"
after "deploy:finished", "deploy_guard:notify_finished"
after "deploy:finished", "deploy_guard:gate"
after "deploy:failed", "deploy_guard:notify_failed"
before "deploy:rollback", "deploy_guard:rolling_back"
after "deploy:reverted", "deploy_guard:notify_rolled_back"

#!/usr/bin/env ruby
# Replay a (scrubbed) Ruby VCR cassette with VCR and WebMock, no network.
#
#   replay_ruby.rb [--original ORIGINAL] [--secrets FILE] CASSETTE
#
# Every interaction of CASSETTE is issued as the request it recorded (method,
# URI, body, headers) with Net::HTTP inside a VCR cassette inserted with
# record: :none, WebMock as the hook and no real connection allowed. The
# response must carry the recorded status code, and the body Net::HTTP hands
# back must be the one ORIGINAL recorded: scrubbing may rewrite the file, but
# Ruby VCR must still load it, match every request and return what was
# recorded. Where the original response body held one of the planted secrets
# (--secrets, one per line) it differs by design; then the body must be the
# scrubbed cassette's and hold no secret.
#
# Exit 0 all replayed, 1 a failure (one line each on stderr), 2 bad usage or a
# cassette VCR cannot load, 77 ruby-vcr or ruby-webmock not installed.
require "optparse"
require "tmpdir"
require "fileutils"
require "net/http"
require "zlib"
require "stringio"
begin
  require "vcr"
  require "webmock"
rescue LoadError => e # Debian: ruby-vcr ruby-webmock
  warn "replay_ruby: skipped: #{e.message}"
  exit 77
end

options = {}
OptionParser.new do |o|
  o.banner = "usage: replay_ruby.rb [--original ORIGINAL] [--secrets FILE] CASSETTE"
  o.on("--original PATH") { |v| options[:original] = v }
  o.on("--secrets PATH") { |v| options[:secrets] = v }
end.parse!
if ARGV.size != 1
  warn "usage: replay_ruby.rb [--original ORIGINAL] [--secrets FILE] CASSETTE"
  exit 2
end
cassette = ARGV[0]
secrets = options[:secrets] ? File.read(options[:secrets]).split("\n").reject(&:empty?).map(&:b) : []

# VCR names a cassette file "<name>.<serializer's extension>"; JSON-serialized
# cassettes use the JSON serializer, everything else YAML.
def serializer_for(path)
  File.extname(path) == ".json" ? :json : :yaml
end

# The interactions exactly as VCR itself loads them (its serializer, then
# HTTPInteraction.from_hash: base64_string and !binary bodies undone).
def interactions(path)
  data = VCR.cassette_serializers[serializer_for(path)].deserialize(File.read(path))
  data.fetch("http_interactions").map { |h| VCR::HTTPInteraction.from_hash(h) }
end

# The body bytes a Net::HTTP user gets for a recorded response. Net::HTTP
# inflates gzip/deflate only for a response it read off a socket; WebMock
# hands the recorded string over as it is, so the client sees the stored
# bytes.
def client_body(response)
  (response.body || "").b
end

def first_difference(a, b)
  i = 0
  i += 1 while i < a.size && i < b.size && a.getbyte(i) == b.getbyte(i)
  i
end

# Headers that frame the connection or the body, not the request: Net::HTTP
# sets its own, and a recorded Content-Length may no longer describe a
# scrubbed body.
NOT_SENT = %w[content-length transfer-encoding host connection].freeze

failures = []
begin
  recorded = interactions(cassette)
  expected = options[:original] ? interactions(options[:original]) : recorded
  if expected.size != recorded.size
    failures << "#{recorded.size} interactions, the original has #{expected.size}"
    recorded = []
  end

  Dir.mktmpdir do |dir|
    # Replay from a copy: record: :none never writes, but nothing here may
    # touch the file under test.
    ser = serializer_for(cassette)
    FileUtils.cp(cassette, File.join(dir, "replayed.#{ser == :json ? 'json' : 'yml'}"))
    VCR.configure do |c|
      c.cassette_library_dir = dir
      c.hook_into :webmock
      c.allow_http_connections_when_no_cassette = false
      c.default_cassette_options = {
        record: :none,
        serialize_with: ser,
        # Everything of the request a scrubbed cassette still carries
        # verbatim: the scrubbed URI matches the scrubbed URI.
        match_requests_on: %i[method uri body],
        allow_playback_repeats: false
      }
    end
    WebMock.disable_net_connect!

    VCR.use_cassette("replayed") do |vcr_cassette|
      recorded.each_with_index do |interaction, i|
        req = interaction.request
        uri = URI(req.uri)
        body = req.body.to_s
        headers = {}
        (req.headers || {}).each do |name, values|
          next if NOT_SENT.include?(name.downcase)
          headers[name] = Array(values).join(", ")
        end
        begin
          http = Net::HTTP.new(uri.host, uri.port)
          http.use_ssl = uri.scheme == "https"
          request = Net::HTTPGenericRequest.new(req.method.to_s.upcase, !body.empty?, true,
                                                uri.request_uri, headers)
          request.body = body unless body.empty?
          res = http.request(request)
        rescue StandardError => e # VCR::Errors::UnhandledHTTPRequestError, WebMock::NetConnectNotAllowedError …
          failures << "interaction #{i}: #{req.method.upcase} #{req.uri}: #{e.class}: #{e.message.lines.first&.strip}"
          next
        end
        want = expected[i].response
        if res.code.to_i != want.status.code.to_i
          failures << "interaction #{i}: status #{res.code}, recorded #{want.status.code}"
        end
        got = (res.body || "").b
        want_body = client_body(want)
        if secrets.any? { |s| want_body.include?(s) }
          # A secret in the response body: scrubbed on purpose.
          want_body = client_body(interaction.response)
          leaked = secrets.find { |s| got.include?(s) }
          failures << "interaction #{i}: replayed body still holds #{leaked[0, 12]}…" if leaked
        end
        if got != want_body
          failures << "interaction #{i}: body differs from the recorded one (#{got.size} bytes replayed, " \
                      "#{want_body.size} recorded; first difference at #{first_difference(got, want_body)})"
        end
      end
      # Every recorded interaction must have been used, once.
      unused = vcr_cassette.http_interactions.remaining_unused_interaction_count
      failures << "#{unused} recorded interactions were not played" if unused.positive?
    end
  end
rescue StandardError => e # the cassette does not load
  warn "replay_ruby: #{cassette}: cannot replay: #{e.class}: #{e.message.lines.first&.strip}"
  exit 2
end

failures.each { |f| warn "replay_ruby: #{cassette}: #{f}" }
puts "replay_ruby: #{File.basename(cassette)}: #{recorded.size} interactions, #{failures.size} failures"
exit(failures.empty? ? 0 : 1)

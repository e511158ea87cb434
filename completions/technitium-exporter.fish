# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_technitium_exporter_global_optspecs
    string join \n technitium.url= technitium.token= technitium.token-file= technitium.auth= technitium.timeout= technitium.max-response-size= technitium.ca-file= technitium.insecure-skip-verify= config.file= collector.lifetime= no-collector.lifetime collector.lifetime.min-interval= collector.dashboard= no-collector.dashboard collector.dashboard.min-interval= collector.dashboard.window= collector.counters= no-collector.counters collector.counters.min-interval= collector.zones= no-collector.zones collector.zones.min-interval= collector.zones.include= collector.zones.exclude= collector.zones.limit= collector.dhcp= no-collector.dhcp collector.dhcp.min-interval= collector.cluster= no-collector.cluster collector.cluster.min-interval= collector.health= no-collector.health collector.health.min-interval= collector.health.domains= collector.security= no-collector.security collector.security.min-interval= collector.top= no-collector.top collector.top.min-interval= collector.top.limit= collector.top.reverse-lookup= collector.settings= no-collector.settings collector.settings.min-interval= collector.update= no-collector.update collector.update.min-interval= collector.dns= no-collector.dns collector.dns.min-interval= collector.dns.transports= collector.dns.address= collector.dns.udp-port= collector.dns.tcp-port= collector.dns.tls-port= collector.dns.https-port= collector.dns.quic-port= collector.dns.https-path= collector.dns.tls-server-name= collector.dns.query-name= collector.dns.query-type= collector.dns.expected-rcodes= collector.dns.answer-regex= collector.dns.blocked-name= collector.dns.blocking-answer= collector.dns.timeout= collector.forwarders= no-collector.forwarders collector.forwarders.min-interval= collector.forwarders.query-name= collector.forwarders.query-type= collector.forwarders.expected-rcodes= collector.forwarders.timeout= collector.forwarders.concurrency= collector.forwarders.limit= collector.latency= no-collector.latency collector.latency.min-interval= collector.latency.interval= collector.latency.transports= collector.latency.timeout= collector.latency.recursive-domain= collector.disable-defaults= log.level= log.format= demo demo.version= demo.zones= h/help V/version
end

function __fish_technitium_exporter_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_technitium_exporter_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_technitium_exporter_using_subcommand
    set -l cmd (__fish_technitium_exporter_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l technitium.url -d 'Technitium web console URL [default: http://localhost:5380]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l technitium.token -d 'API token (visible in `ps`: prefer --technitium.token-file)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l technitium.token-file -d 'File holding the API token (read at start and on SIGHUP)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l technitium.auth -d 'How to send the token: auto probes the Bearer header, then the query parameter (pre-v15) [default: auto]' -r -f -a "auto\t'Bearer header first; fall back to the query parameter once if the server rejects it (Technitium before v15), and remember which one worked'
header\t'Always the `Authorization: Bearer` header (v15+)'
query\t'Always the `token` query parameter (before v15; the token then appears in the server\'s request URLs)'"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l technitium.timeout -d 'Timeout of one upstream request, and of a whole scrape [default: 10s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l technitium.max-response-size -d 'Largest accepted API response [default: 64MiB]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l technitium.ca-file -d 'Extra CA bundle (PEM) to trust for https URLs [default: system roots]' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l technitium.insecure-skip-verify -d 'Accept any TLS certificate from the server (insecure) [default: false]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l config.file -d 'TOML configuration file (see the README)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.lifetime -d 'Lifetime counters from v15+ servers [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.lifetime.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dashboard -d 'Dashboard window and live gauges [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dashboard.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dashboard.window -d 'Dashboard windows, repeatable: last_hour, last_day, last_week, last_month, last_year [default: last_hour]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.counters -d 'Counters that rate() works on, by query type and protocol (every version), from the per-minute stats [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.counters.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.zones -d 'Per-zone health [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.zones.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.zones.include -d 'Only zones whose name matches this regex get per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.zones.exclude -d 'Zones whose name matches this regex get no per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.zones.limit -d 'Drop all per-zone series when more zones match (0 = no limit) [default: 10000]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dhcp -d 'DHCP scopes and leases [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dhcp.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.cluster -d 'Cluster nodes, from the session (v14+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.cluster.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.health -d 'The server\'s own health check per domain (dnsClient/healthCheck, v15.3+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.health.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.health.domains -d 'Domains the server resolves with its own resolver, comma-separated, at most 8 (localhost: the DNS engine answers; a real name: resolution works) [default: localhost]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.security -d 'Default admin credentials (v15.3+) and whether the token may change the server [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.security.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 5m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.top -d 'Top clients and domains [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.top.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.top.limit -d 'Rows per top list (at least 1) [default: 10]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.top.reverse-lookup -d 'Let the server resolve client names for top clients (slow) [default: false]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.settings -d 'Blocking settings (needs Settings: View, which also exposes secrets) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.settings.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.update -d 'Update availability (the server calls out to check) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.update.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns -d 'Real DNS queries to the server\'s own listeners, one per transport (udp, tcp, tls, https) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.transports -d 'DNS transports to probe, comma-separated: udp, tcp, tls (DoT), https (DoH), quic (DoQ, when built with the dns-quic feature) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.address -d 'Host name or IP address the probe queries go to (empty: the host of --technitium.url)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.udp-port -d 'Port of the UDP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.tcp-port -d 'Port of the TCP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.tls-port -d 'Port of the DNS-over-TLS listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.https-port -d 'Port of the DNS-over-HTTPS listener [default: 443]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.quic-port -d 'Port of the DNS-over-QUIC listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.https-path -d 'Path of the DNS-over-HTTPS endpoint [default: /dns-query]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.tls-server-name -d 'Name the DoT/DoH/DoQ certificate must be valid for (empty: the address)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.query-name -d 'Name each probe asks for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.query-type -d 'Record type each probe asks for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.expected-rcodes -d 'Response codes that count as success, comma-separated (NOERROR, NXDOMAIN, ...) [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.answer-regex -d 'When set, at least one answer record (as `name ttl class type data`) must match' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.blocked-name -d 'A name on the server\'s block list: its A query must get the blocking answer (technitium_dns_probe_blocking_works)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.blocking-answer -d 'The blocking answer expected for --collector.dns.blocked-name: auto (NXDOMAIN or 0.0.0.0), nxdomain, any-address (0.0.0.0), or the custom blocking addresses, comma-separated [default: auto]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.dns.timeout -d 'Limit for one probe, connection and handshake included (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.forwarders -d 'Upstream forwarder health through the server\'s own DNS client [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.forwarders.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 1m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.forwarders.query-name -d 'Name the server\'s DNS client asks each forwarder for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.forwarders.query-type -d 'Record type asked for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.forwarders.expected-rcodes -d 'Response codes that count as success, comma-separated [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.forwarders.timeout -d 'Limit for one forwarder\'s dnsClient/resolve call (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.forwarders.concurrency -d 'dnsClient/resolve calls in flight at once [default: 4]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.forwarders.limit -d 'Forwarders probed at most (the first ones as configured) [default: 32]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.latency -d 'Continuous latency of the server\'s DNS listeners: background queries per transport (serve only; check measures a burst) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.latency.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.latency.interval -d 'Time between two background queries per transport and class (serve only) [default: 1s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.latency.transports -d 'Transports queried, comma-separated: udp, tcp, tls, https (the listeners --collector.dns.* describe) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.latency.timeout -d 'Limit of one background query (connection and handshake included when one is opened) [default: 2s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.latency.recursive-domain -d 'A domain you control: each interval also asks a fresh random name under it (query="recursive", always a cache miss); empty: no recursive class' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l collector.disable-defaults -d 'Turn every optional collector off (then enable the ones you want)' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l log.level -d 'Log level: trace, debug, info, warn, error (RUST_LOG overrides) [default: info]' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
error\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l log.format -d 'Log format [default: logfmt]' -r -f -a "logfmt\t'`key=value` lines'
json\t'One JSON object per line'"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l demo.version -d 'Technitium version the demo server imitates' -r -f -a "13.6\t'v13.6: query-string token only, no cluster, no lifetime counters'
14.3\t'v14.3: cluster, still query-string token only'
15.2\t'v15.2: Bearer header, lifetime counters'
15.6\t'v15.6: health check, /api/status, node versions in the node list'"
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l demo.zones -d 'Number of zones the demo server has' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.lifetime -d 'Disable the lifetime collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.dashboard -d 'Disable the dashboard collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.counters -d 'Disable the counters collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.zones -d 'Disable the zones collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.dhcp -d 'Disable the dhcp collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.cluster -d 'Disable the cluster collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.health -d 'Disable the health collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.security -d 'Disable the security collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.top -d 'Disable the top collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.settings -d 'Disable the settings collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.update -d 'Disable the update collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.dns -d 'Disable the dns collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.forwarders -d 'Disable the forwarders collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l no-collector.latency -d 'Disable the latency collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -l demo -d 'Run against a built-in simulated Technitium server on a random loopback port'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -s V -l version -d 'Print version'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -f -a "serve" -d 'Serve /metrics, /probe and a landing page over HTTP (the daemon mode)'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -f -a "scrape" -d 'Fetch once and print the metrics (or a table) to stdout'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -f -a "textfile" -d 'Fetch once and write a .prom file for node_exporter\'s textfile collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -f -a "check" -d 'Check configuration, connectivity, token and permissions, step by step'
complete -c technitium-exporter -n "__fish_technitium_exporter_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l web.listen-address -d 'Address to listen on, repeatable; Go-style ":9274" means every interface [default: :9274]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l web.telemetry-path -d 'Path of the exporter\'s metrics [default: /metrics]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l web.external-url -d 'The exporter\'s URL as Prometheus reaches it (a reverse proxy\'s, say), for the addresses /sd hands out; unset, /sd uses the request\'s Host header and the listener\'s scheme' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l technitium.url -d 'Technitium web console URL [default: http://localhost:5380]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l technitium.token -d 'API token (visible in `ps`: prefer --technitium.token-file)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l technitium.token-file -d 'File holding the API token (read at start and on SIGHUP)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l technitium.auth -d 'How to send the token: auto probes the Bearer header, then the query parameter (pre-v15) [default: auto]' -r -f -a "auto\t'Bearer header first; fall back to the query parameter once if the server rejects it (Technitium before v15), and remember which one worked'
header\t'Always the `Authorization: Bearer` header (v15+)'
query\t'Always the `token` query parameter (before v15; the token then appears in the server\'s request URLs)'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l technitium.timeout -d 'Timeout of one upstream request, and of a whole scrape [default: 10s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l technitium.max-response-size -d 'Largest accepted API response [default: 64MiB]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l technitium.ca-file -d 'Extra CA bundle (PEM) to trust for https URLs [default: system roots]' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l technitium.insecure-skip-verify -d 'Accept any TLS certificate from the server (insecure) [default: false]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l config.file -d 'TOML configuration file (see the README)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.lifetime -d 'Lifetime counters from v15+ servers [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.lifetime.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dashboard -d 'Dashboard window and live gauges [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dashboard.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dashboard.window -d 'Dashboard windows, repeatable: last_hour, last_day, last_week, last_month, last_year [default: last_hour]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.counters -d 'Counters that rate() works on, by query type and protocol (every version), from the per-minute stats [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.counters.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.zones -d 'Per-zone health [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.zones.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.zones.include -d 'Only zones whose name matches this regex get per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.zones.exclude -d 'Zones whose name matches this regex get no per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.zones.limit -d 'Drop all per-zone series when more zones match (0 = no limit) [default: 10000]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dhcp -d 'DHCP scopes and leases [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dhcp.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.cluster -d 'Cluster nodes, from the session (v14+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.cluster.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.health -d 'The server\'s own health check per domain (dnsClient/healthCheck, v15.3+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.health.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.health.domains -d 'Domains the server resolves with its own resolver, comma-separated, at most 8 (localhost: the DNS engine answers; a real name: resolution works) [default: localhost]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.security -d 'Default admin credentials (v15.3+) and whether the token may change the server [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.security.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 5m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.top -d 'Top clients and domains [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.top.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.top.limit -d 'Rows per top list (at least 1) [default: 10]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.top.reverse-lookup -d 'Let the server resolve client names for top clients (slow) [default: false]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.settings -d 'Blocking settings (needs Settings: View, which also exposes secrets) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.settings.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.update -d 'Update availability (the server calls out to check) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.update.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns -d 'Real DNS queries to the server\'s own listeners, one per transport (udp, tcp, tls, https) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.transports -d 'DNS transports to probe, comma-separated: udp, tcp, tls (DoT), https (DoH), quic (DoQ, when built with the dns-quic feature) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.address -d 'Host name or IP address the probe queries go to (empty: the host of --technitium.url)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.udp-port -d 'Port of the UDP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.tcp-port -d 'Port of the TCP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.tls-port -d 'Port of the DNS-over-TLS listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.https-port -d 'Port of the DNS-over-HTTPS listener [default: 443]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.quic-port -d 'Port of the DNS-over-QUIC listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.https-path -d 'Path of the DNS-over-HTTPS endpoint [default: /dns-query]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.tls-server-name -d 'Name the DoT/DoH/DoQ certificate must be valid for (empty: the address)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.query-name -d 'Name each probe asks for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.query-type -d 'Record type each probe asks for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.expected-rcodes -d 'Response codes that count as success, comma-separated (NOERROR, NXDOMAIN, ...) [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.answer-regex -d 'When set, at least one answer record (as `name ttl class type data`) must match' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.blocked-name -d 'A name on the server\'s block list: its A query must get the blocking answer (technitium_dns_probe_blocking_works)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.blocking-answer -d 'The blocking answer expected for --collector.dns.blocked-name: auto (NXDOMAIN or 0.0.0.0), nxdomain, any-address (0.0.0.0), or the custom blocking addresses, comma-separated [default: auto]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.dns.timeout -d 'Limit for one probe, connection and handshake included (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.forwarders -d 'Upstream forwarder health through the server\'s own DNS client [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.forwarders.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 1m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.forwarders.query-name -d 'Name the server\'s DNS client asks each forwarder for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.forwarders.query-type -d 'Record type asked for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.forwarders.expected-rcodes -d 'Response codes that count as success, comma-separated [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.forwarders.timeout -d 'Limit for one forwarder\'s dnsClient/resolve call (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.forwarders.concurrency -d 'dnsClient/resolve calls in flight at once [default: 4]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.forwarders.limit -d 'Forwarders probed at most (the first ones as configured) [default: 32]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.latency -d 'Continuous latency of the server\'s DNS listeners: background queries per transport (serve only; check measures a burst) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.latency.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.latency.interval -d 'Time between two background queries per transport and class (serve only) [default: 1s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.latency.transports -d 'Transports queried, comma-separated: udp, tcp, tls, https (the listeners --collector.dns.* describe) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.latency.timeout -d 'Limit of one background query (connection and handshake included when one is opened) [default: 2s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.latency.recursive-domain -d 'A domain you control: each interval also asks a fresh random name under it (query="recursive", always a cache miss); empty: no recursive class' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l collector.disable-defaults -d 'Turn every optional collector off (then enable the ones you want)' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l log.level -d 'Log level: trace, debug, info, warn, error (RUST_LOG overrides) [default: info]' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
error\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l log.format -d 'Log format [default: logfmt]' -r -f -a "logfmt\t'`key=value` lines'
json\t'One JSON object per line'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l demo.version -d 'Technitium version the demo server imitates' -r -f -a "13.6\t'v13.6: query-string token only, no cluster, no lifetime counters'
14.3\t'v14.3: cluster, still query-string token only'
15.2\t'v15.2: Bearer header, lifetime counters'
15.6\t'v15.6: health check, /api/status, node versions in the node list'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l demo.zones -d 'Number of zones the demo server has' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.lifetime -d 'Disable the lifetime collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.dashboard -d 'Disable the dashboard collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.counters -d 'Disable the counters collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.zones -d 'Disable the zones collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.dhcp -d 'Disable the dhcp collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.cluster -d 'Disable the cluster collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.health -d 'Disable the health collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.security -d 'Disable the security collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.top -d 'Disable the top collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.settings -d 'Disable the settings collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.update -d 'Disable the update collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.dns -d 'Disable the dns collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.forwarders -d 'Disable the forwarders collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l no-collector.latency -d 'Disable the latency collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -l demo -d 'Run against a built-in simulated Technitium server on a random loopback port'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l format -d 'Output format' -r -f -a "text\t'Prometheus text format 0.0.4'
openmetrics\t'OpenMetrics 1.0'
json\t'The families as JSON'
table\t'A table for people'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l state.file -d 'Keep the derived counters (counters collector) in this file between runs; without it they are not emitted' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l technitium.url -d 'Technitium web console URL [default: http://localhost:5380]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l technitium.token -d 'API token (visible in `ps`: prefer --technitium.token-file)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l technitium.token-file -d 'File holding the API token (read at start and on SIGHUP)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l technitium.auth -d 'How to send the token: auto probes the Bearer header, then the query parameter (pre-v15) [default: auto]' -r -f -a "auto\t'Bearer header first; fall back to the query parameter once if the server rejects it (Technitium before v15), and remember which one worked'
header\t'Always the `Authorization: Bearer` header (v15+)'
query\t'Always the `token` query parameter (before v15; the token then appears in the server\'s request URLs)'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l technitium.timeout -d 'Timeout of one upstream request, and of a whole scrape [default: 10s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l technitium.max-response-size -d 'Largest accepted API response [default: 64MiB]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l technitium.ca-file -d 'Extra CA bundle (PEM) to trust for https URLs [default: system roots]' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l technitium.insecure-skip-verify -d 'Accept any TLS certificate from the server (insecure) [default: false]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l config.file -d 'TOML configuration file (see the README)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.lifetime -d 'Lifetime counters from v15+ servers [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.lifetime.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dashboard -d 'Dashboard window and live gauges [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dashboard.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dashboard.window -d 'Dashboard windows, repeatable: last_hour, last_day, last_week, last_month, last_year [default: last_hour]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.counters -d 'Counters that rate() works on, by query type and protocol (every version), from the per-minute stats [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.counters.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.zones -d 'Per-zone health [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.zones.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.zones.include -d 'Only zones whose name matches this regex get per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.zones.exclude -d 'Zones whose name matches this regex get no per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.zones.limit -d 'Drop all per-zone series when more zones match (0 = no limit) [default: 10000]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dhcp -d 'DHCP scopes and leases [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dhcp.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.cluster -d 'Cluster nodes, from the session (v14+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.cluster.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.health -d 'The server\'s own health check per domain (dnsClient/healthCheck, v15.3+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.health.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.health.domains -d 'Domains the server resolves with its own resolver, comma-separated, at most 8 (localhost: the DNS engine answers; a real name: resolution works) [default: localhost]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.security -d 'Default admin credentials (v15.3+) and whether the token may change the server [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.security.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 5m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.top -d 'Top clients and domains [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.top.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.top.limit -d 'Rows per top list (at least 1) [default: 10]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.top.reverse-lookup -d 'Let the server resolve client names for top clients (slow) [default: false]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.settings -d 'Blocking settings (needs Settings: View, which also exposes secrets) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.settings.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.update -d 'Update availability (the server calls out to check) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.update.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns -d 'Real DNS queries to the server\'s own listeners, one per transport (udp, tcp, tls, https) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.transports -d 'DNS transports to probe, comma-separated: udp, tcp, tls (DoT), https (DoH), quic (DoQ, when built with the dns-quic feature) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.address -d 'Host name or IP address the probe queries go to (empty: the host of --technitium.url)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.udp-port -d 'Port of the UDP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.tcp-port -d 'Port of the TCP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.tls-port -d 'Port of the DNS-over-TLS listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.https-port -d 'Port of the DNS-over-HTTPS listener [default: 443]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.quic-port -d 'Port of the DNS-over-QUIC listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.https-path -d 'Path of the DNS-over-HTTPS endpoint [default: /dns-query]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.tls-server-name -d 'Name the DoT/DoH/DoQ certificate must be valid for (empty: the address)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.query-name -d 'Name each probe asks for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.query-type -d 'Record type each probe asks for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.expected-rcodes -d 'Response codes that count as success, comma-separated (NOERROR, NXDOMAIN, ...) [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.answer-regex -d 'When set, at least one answer record (as `name ttl class type data`) must match' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.blocked-name -d 'A name on the server\'s block list: its A query must get the blocking answer (technitium_dns_probe_blocking_works)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.blocking-answer -d 'The blocking answer expected for --collector.dns.blocked-name: auto (NXDOMAIN or 0.0.0.0), nxdomain, any-address (0.0.0.0), or the custom blocking addresses, comma-separated [default: auto]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.dns.timeout -d 'Limit for one probe, connection and handshake included (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.forwarders -d 'Upstream forwarder health through the server\'s own DNS client [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.forwarders.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 1m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.forwarders.query-name -d 'Name the server\'s DNS client asks each forwarder for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.forwarders.query-type -d 'Record type asked for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.forwarders.expected-rcodes -d 'Response codes that count as success, comma-separated [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.forwarders.timeout -d 'Limit for one forwarder\'s dnsClient/resolve call (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.forwarders.concurrency -d 'dnsClient/resolve calls in flight at once [default: 4]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.forwarders.limit -d 'Forwarders probed at most (the first ones as configured) [default: 32]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.latency -d 'Continuous latency of the server\'s DNS listeners: background queries per transport (serve only; check measures a burst) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.latency.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.latency.interval -d 'Time between two background queries per transport and class (serve only) [default: 1s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.latency.transports -d 'Transports queried, comma-separated: udp, tcp, tls, https (the listeners --collector.dns.* describe) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.latency.timeout -d 'Limit of one background query (connection and handshake included when one is opened) [default: 2s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.latency.recursive-domain -d 'A domain you control: each interval also asks a fresh random name under it (query="recursive", always a cache miss); empty: no recursive class' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l collector.disable-defaults -d 'Turn every optional collector off (then enable the ones you want)' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l log.level -d 'Log level: trace, debug, info, warn, error (RUST_LOG overrides) [default: info]' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
error\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l log.format -d 'Log format [default: logfmt]' -r -f -a "logfmt\t'`key=value` lines'
json\t'One JSON object per line'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l demo.version -d 'Technitium version the demo server imitates' -r -f -a "13.6\t'v13.6: query-string token only, no cluster, no lifetime counters'
14.3\t'v14.3: cluster, still query-string token only'
15.2\t'v15.2: Bearer header, lifetime counters'
15.6\t'v15.6: health check, /api/status, node versions in the node list'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l demo.zones -d 'Number of zones the demo server has' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l table -d 'Same as --format table'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.lifetime -d 'Disable the lifetime collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.dashboard -d 'Disable the dashboard collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.counters -d 'Disable the counters collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.zones -d 'Disable the zones collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.dhcp -d 'Disable the dhcp collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.cluster -d 'Disable the cluster collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.health -d 'Disable the health collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.security -d 'Disable the security collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.top -d 'Disable the top collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.settings -d 'Disable the settings collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.update -d 'Disable the update collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.dns -d 'Disable the dns collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.forwarders -d 'Disable the forwarders collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l no-collector.latency -d 'Disable the latency collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -l demo -d 'Run against a built-in simulated Technitium server on a random loopback port'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand scrape" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l output.dir -d 'Directory node_exporter\'s textfile collector reads [default: /var/lib/prometheus/node-exporter]' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l output.file -d 'File name, a bare name ending in .prom [default: technitium.prom]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l state.file -d 'Keep the derived counters (counters collector) in this file between runs; without it they are not emitted' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l technitium.url -d 'Technitium web console URL [default: http://localhost:5380]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l technitium.token -d 'API token (visible in `ps`: prefer --technitium.token-file)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l technitium.token-file -d 'File holding the API token (read at start and on SIGHUP)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l technitium.auth -d 'How to send the token: auto probes the Bearer header, then the query parameter (pre-v15) [default: auto]' -r -f -a "auto\t'Bearer header first; fall back to the query parameter once if the server rejects it (Technitium before v15), and remember which one worked'
header\t'Always the `Authorization: Bearer` header (v15+)'
query\t'Always the `token` query parameter (before v15; the token then appears in the server\'s request URLs)'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l technitium.timeout -d 'Timeout of one upstream request, and of a whole scrape [default: 10s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l technitium.max-response-size -d 'Largest accepted API response [default: 64MiB]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l technitium.ca-file -d 'Extra CA bundle (PEM) to trust for https URLs [default: system roots]' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l technitium.insecure-skip-verify -d 'Accept any TLS certificate from the server (insecure) [default: false]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l config.file -d 'TOML configuration file (see the README)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.lifetime -d 'Lifetime counters from v15+ servers [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.lifetime.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dashboard -d 'Dashboard window and live gauges [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dashboard.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dashboard.window -d 'Dashboard windows, repeatable: last_hour, last_day, last_week, last_month, last_year [default: last_hour]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.counters -d 'Counters that rate() works on, by query type and protocol (every version), from the per-minute stats [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.counters.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.zones -d 'Per-zone health [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.zones.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.zones.include -d 'Only zones whose name matches this regex get per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.zones.exclude -d 'Zones whose name matches this regex get no per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.zones.limit -d 'Drop all per-zone series when more zones match (0 = no limit) [default: 10000]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dhcp -d 'DHCP scopes and leases [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dhcp.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.cluster -d 'Cluster nodes, from the session (v14+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.cluster.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.health -d 'The server\'s own health check per domain (dnsClient/healthCheck, v15.3+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.health.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.health.domains -d 'Domains the server resolves with its own resolver, comma-separated, at most 8 (localhost: the DNS engine answers; a real name: resolution works) [default: localhost]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.security -d 'Default admin credentials (v15.3+) and whether the token may change the server [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.security.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 5m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.top -d 'Top clients and domains [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.top.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.top.limit -d 'Rows per top list (at least 1) [default: 10]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.top.reverse-lookup -d 'Let the server resolve client names for top clients (slow) [default: false]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.settings -d 'Blocking settings (needs Settings: View, which also exposes secrets) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.settings.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.update -d 'Update availability (the server calls out to check) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.update.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns -d 'Real DNS queries to the server\'s own listeners, one per transport (udp, tcp, tls, https) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.transports -d 'DNS transports to probe, comma-separated: udp, tcp, tls (DoT), https (DoH), quic (DoQ, when built with the dns-quic feature) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.address -d 'Host name or IP address the probe queries go to (empty: the host of --technitium.url)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.udp-port -d 'Port of the UDP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.tcp-port -d 'Port of the TCP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.tls-port -d 'Port of the DNS-over-TLS listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.https-port -d 'Port of the DNS-over-HTTPS listener [default: 443]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.quic-port -d 'Port of the DNS-over-QUIC listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.https-path -d 'Path of the DNS-over-HTTPS endpoint [default: /dns-query]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.tls-server-name -d 'Name the DoT/DoH/DoQ certificate must be valid for (empty: the address)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.query-name -d 'Name each probe asks for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.query-type -d 'Record type each probe asks for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.expected-rcodes -d 'Response codes that count as success, comma-separated (NOERROR, NXDOMAIN, ...) [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.answer-regex -d 'When set, at least one answer record (as `name ttl class type data`) must match' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.blocked-name -d 'A name on the server\'s block list: its A query must get the blocking answer (technitium_dns_probe_blocking_works)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.blocking-answer -d 'The blocking answer expected for --collector.dns.blocked-name: auto (NXDOMAIN or 0.0.0.0), nxdomain, any-address (0.0.0.0), or the custom blocking addresses, comma-separated [default: auto]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.dns.timeout -d 'Limit for one probe, connection and handshake included (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.forwarders -d 'Upstream forwarder health through the server\'s own DNS client [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.forwarders.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 1m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.forwarders.query-name -d 'Name the server\'s DNS client asks each forwarder for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.forwarders.query-type -d 'Record type asked for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.forwarders.expected-rcodes -d 'Response codes that count as success, comma-separated [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.forwarders.timeout -d 'Limit for one forwarder\'s dnsClient/resolve call (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.forwarders.concurrency -d 'dnsClient/resolve calls in flight at once [default: 4]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.forwarders.limit -d 'Forwarders probed at most (the first ones as configured) [default: 32]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.latency -d 'Continuous latency of the server\'s DNS listeners: background queries per transport (serve only; check measures a burst) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.latency.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.latency.interval -d 'Time between two background queries per transport and class (serve only) [default: 1s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.latency.transports -d 'Transports queried, comma-separated: udp, tcp, tls, https (the listeners --collector.dns.* describe) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.latency.timeout -d 'Limit of one background query (connection and handshake included when one is opened) [default: 2s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.latency.recursive-domain -d 'A domain you control: each interval also asks a fresh random name under it (query="recursive", always a cache miss); empty: no recursive class' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l collector.disable-defaults -d 'Turn every optional collector off (then enable the ones you want)' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l log.level -d 'Log level: trace, debug, info, warn, error (RUST_LOG overrides) [default: info]' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
error\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l log.format -d 'Log format [default: logfmt]' -r -f -a "logfmt\t'`key=value` lines'
json\t'One JSON object per line'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l demo.version -d 'Technitium version the demo server imitates' -r -f -a "13.6\t'v13.6: query-string token only, no cluster, no lifetime counters'
14.3\t'v14.3: cluster, still query-string token only'
15.2\t'v15.2: Bearer header, lifetime counters'
15.6\t'v15.6: health check, /api/status, node versions in the node list'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l demo.zones -d 'Number of zones the demo server has' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l fail-on-down -d 'Exit 1 when the server is down (the file is still written)'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.lifetime -d 'Disable the lifetime collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.dashboard -d 'Disable the dashboard collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.counters -d 'Disable the counters collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.zones -d 'Disable the zones collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.dhcp -d 'Disable the dhcp collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.cluster -d 'Disable the cluster collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.health -d 'Disable the health collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.security -d 'Disable the security collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.top -d 'Disable the top collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.settings -d 'Disable the settings collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.update -d 'Disable the update collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.dns -d 'Disable the dns collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.forwarders -d 'Disable the forwarders collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l no-collector.latency -d 'Disable the latency collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -l demo -d 'Run against a built-in simulated Technitium server on a random loopback port'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand textfile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l format -d 'Output format' -r -f -a "table\t'A table for people'
json\t'JSON for scripts'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l technitium.url -d 'Technitium web console URL [default: http://localhost:5380]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l technitium.token -d 'API token (visible in `ps`: prefer --technitium.token-file)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l technitium.token-file -d 'File holding the API token (read at start and on SIGHUP)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l technitium.auth -d 'How to send the token: auto probes the Bearer header, then the query parameter (pre-v15) [default: auto]' -r -f -a "auto\t'Bearer header first; fall back to the query parameter once if the server rejects it (Technitium before v15), and remember which one worked'
header\t'Always the `Authorization: Bearer` header (v15+)'
query\t'Always the `token` query parameter (before v15; the token then appears in the server\'s request URLs)'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l technitium.timeout -d 'Timeout of one upstream request, and of a whole scrape [default: 10s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l technitium.max-response-size -d 'Largest accepted API response [default: 64MiB]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l technitium.ca-file -d 'Extra CA bundle (PEM) to trust for https URLs [default: system roots]' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l technitium.insecure-skip-verify -d 'Accept any TLS certificate from the server (insecure) [default: false]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l config.file -d 'TOML configuration file (see the README)' -r -F
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.lifetime -d 'Lifetime counters from v15+ servers [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.lifetime.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dashboard -d 'Dashboard window and live gauges [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dashboard.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dashboard.window -d 'Dashboard windows, repeatable: last_hour, last_day, last_week, last_month, last_year [default: last_hour]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.counters -d 'Counters that rate() works on, by query type and protocol (every version), from the per-minute stats [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.counters.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.zones -d 'Per-zone health [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.zones.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.zones.include -d 'Only zones whose name matches this regex get per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.zones.exclude -d 'Zones whose name matches this regex get no per-zone series' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.zones.limit -d 'Drop all per-zone series when more zones match (0 = no limit) [default: 10000]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dhcp -d 'DHCP scopes and leases [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dhcp.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.cluster -d 'Cluster nodes, from the session (v14+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.cluster.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.health -d 'The server\'s own health check per domain (dnsClient/healthCheck, v15.3+) [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.health.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.health.domains -d 'Domains the server resolves with its own resolver, comma-separated, at most 8 (localhost: the DNS engine answers; a real name: resolution works) [default: localhost]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.security -d 'Default admin credentials (v15.3+) and whether the token may change the server [default: on]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.security.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 5m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.top -d 'Top clients and domains [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.top.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.top.limit -d 'Rows per top list (at least 1) [default: 10]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.top.reverse-lookup -d 'Let the server resolve client names for top clients (slow) [default: false]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.settings -d 'Blocking settings (needs Settings: View, which also exposes secrets) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.settings.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.update -d 'Update availability (the server calls out to check) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.update.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns -d 'Real DNS queries to the server\'s own listeners, one per transport (udp, tcp, tls, https) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.transports -d 'DNS transports to probe, comma-separated: udp, tcp, tls (DoT), https (DoH), quic (DoQ, when built with the dns-quic feature) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.address -d 'Host name or IP address the probe queries go to (empty: the host of --technitium.url)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.udp-port -d 'Port of the UDP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.tcp-port -d 'Port of the TCP listener [default: 53]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.tls-port -d 'Port of the DNS-over-TLS listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.https-port -d 'Port of the DNS-over-HTTPS listener [default: 443]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.quic-port -d 'Port of the DNS-over-QUIC listener [default: 853]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.https-path -d 'Path of the DNS-over-HTTPS endpoint [default: /dns-query]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.tls-server-name -d 'Name the DoT/DoH/DoQ certificate must be valid for (empty: the address)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.query-name -d 'Name each probe asks for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.query-type -d 'Record type each probe asks for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.expected-rcodes -d 'Response codes that count as success, comma-separated (NOERROR, NXDOMAIN, ...) [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.answer-regex -d 'When set, at least one answer record (as `name ttl class type data`) must match' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.blocked-name -d 'A name on the server\'s block list: its A query must get the blocking answer (technitium_dns_probe_blocking_works)' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.blocking-answer -d 'The blocking answer expected for --collector.dns.blocked-name: auto (NXDOMAIN or 0.0.0.0), nxdomain, any-address (0.0.0.0), or the custom blocking addresses, comma-separated [default: auto]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.dns.timeout -d 'Limit for one probe, connection and handshake included (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.forwarders -d 'Upstream forwarder health through the server\'s own DNS client [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.forwarders.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 1m]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.forwarders.query-name -d 'Name the server\'s DNS client asks each forwarder for [default: .]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.forwarders.query-type -d 'Record type asked for [default: NS]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.forwarders.expected-rcodes -d 'Response codes that count as success, comma-separated [default: NOERROR]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.forwarders.timeout -d 'Limit for one forwarder\'s dnsClient/resolve call (the scrape deadline also applies) [default: 5s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.forwarders.concurrency -d 'dnsClient/resolve calls in flight at once [default: 4]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.forwarders.limit -d 'Forwarders probed at most (the first ones as configured) [default: 32]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.latency -d 'Continuous latency of the server\'s DNS listeners: background queries per transport (serve only; check measures a burst) [default: off]' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.latency.min-interval -d 'Reuse this collector\'s data while younger than this (serve; 0 = fresh every scrape) [default: 0s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.latency.interval -d 'Time between two background queries per transport and class (serve only) [default: 1s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.latency.transports -d 'Transports queried, comma-separated: udp, tcp, tls, https (the listeners --collector.dns.* describe) [default: udp,tcp]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.latency.timeout -d 'Limit of one background query (connection and handshake included when one is opened) [default: 2s]' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.latency.recursive-domain -d 'A domain you control: each interval also asks a fresh random name under it (query="recursive", always a cache miss); empty: no recursive class' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l collector.disable-defaults -d 'Turn every optional collector off (then enable the ones you want)' -r -f -a "true\t''
false\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l log.level -d 'Log level: trace, debug, info, warn, error (RUST_LOG overrides) [default: info]' -r -f -a "trace\t''
debug\t''
info\t''
warn\t''
error\t''"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l log.format -d 'Log format [default: logfmt]' -r -f -a "logfmt\t'`key=value` lines'
json\t'One JSON object per line'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l demo.version -d 'Technitium version the demo server imitates' -r -f -a "13.6\t'v13.6: query-string token only, no cluster, no lifetime counters'
14.3\t'v14.3: cluster, still query-string token only'
15.2\t'v15.2: Bearer header, lifetime counters'
15.6\t'v15.6: health check, /api/status, node versions in the node list'"
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l demo.zones -d 'Number of zones the demo server has' -r
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.lifetime -d 'Disable the lifetime collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.dashboard -d 'Disable the dashboard collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.counters -d 'Disable the counters collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.zones -d 'Disable the zones collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.dhcp -d 'Disable the dhcp collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.cluster -d 'Disable the cluster collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.health -d 'Disable the health collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.security -d 'Disable the security collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.top -d 'Disable the top collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.settings -d 'Disable the settings collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.update -d 'Disable the update collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.dns -d 'Disable the dns collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.forwarders -d 'Disable the forwarders collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l no-collector.latency -d 'Disable the latency collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -l demo -d 'Run against a built-in simulated Technitium server on a random loopback port'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand help; and not __fish_seen_subcommand_from serve scrape textfile check help" -f -a "serve" -d 'Serve /metrics, /probe and a landing page over HTTP (the daemon mode)'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand help; and not __fish_seen_subcommand_from serve scrape textfile check help" -f -a "scrape" -d 'Fetch once and print the metrics (or a table) to stdout'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand help; and not __fish_seen_subcommand_from serve scrape textfile check help" -f -a "textfile" -d 'Fetch once and write a .prom file for node_exporter\'s textfile collector'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand help; and not __fish_seen_subcommand_from serve scrape textfile check help" -f -a "check" -d 'Check configuration, connectivity, token and permissions, step by step'
complete -c technitium-exporter -n "__fish_technitium_exporter_using_subcommand help; and not __fish_seen_subcommand_from serve scrape textfile check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

_technitium__exporter() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="technitium__exporter"
                ;;
            technitium__exporter,check)
                cmd="technitium__exporter__subcmd__check"
                ;;
            technitium__exporter,help)
                cmd="technitium__exporter__subcmd__help"
                ;;
            technitium__exporter,scrape)
                cmd="technitium__exporter__subcmd__scrape"
                ;;
            technitium__exporter,serve)
                cmd="technitium__exporter__subcmd__serve"
                ;;
            technitium__exporter,textfile)
                cmd="technitium__exporter__subcmd__textfile"
                ;;
            technitium__exporter__subcmd__help,check)
                cmd="technitium__exporter__subcmd__help__subcmd__check"
                ;;
            technitium__exporter__subcmd__help,help)
                cmd="technitium__exporter__subcmd__help__subcmd__help"
                ;;
            technitium__exporter__subcmd__help,scrape)
                cmd="technitium__exporter__subcmd__help__subcmd__scrape"
                ;;
            technitium__exporter__subcmd__help,serve)
                cmd="technitium__exporter__subcmd__help__subcmd__serve"
                ;;
            technitium__exporter__subcmd__help,textfile)
                cmd="technitium__exporter__subcmd__help__subcmd__textfile"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        technitium__exporter)
            opts="-h -V --technitium.url --technitium.token --technitium.token-file --technitium.auth --technitium.timeout --technitium.max-response-size --technitium.ca-file --technitium.insecure-skip-verify --config.file --collector.lifetime --no-collector.lifetime --collector.lifetime.min-interval --collector.dashboard --no-collector.dashboard --collector.dashboard.min-interval --collector.dashboard.window --collector.counters --no-collector.counters --collector.counters.min-interval --collector.zones --no-collector.zones --collector.zones.min-interval --collector.zones.include --collector.zones.exclude --collector.zones.limit --collector.dhcp --no-collector.dhcp --collector.dhcp.min-interval --collector.cluster --no-collector.cluster --collector.cluster.min-interval --collector.health --no-collector.health --collector.health.min-interval --collector.health.domains --collector.security --no-collector.security --collector.security.min-interval --collector.top --no-collector.top --collector.top.min-interval --collector.top.limit --collector.top.reverse-lookup --collector.settings --no-collector.settings --collector.settings.min-interval --collector.update --no-collector.update --collector.update.min-interval --collector.dns --no-collector.dns --collector.dns.min-interval --collector.dns.transports --collector.dns.address --collector.dns.udp-port --collector.dns.tcp-port --collector.dns.tls-port --collector.dns.https-port --collector.dns.quic-port --collector.dns.https-path --collector.dns.tls-server-name --collector.dns.query-name --collector.dns.query-type --collector.dns.expected-rcodes --collector.dns.answer-regex --collector.dns.blocked-name --collector.dns.blocking-answer --collector.dns.timeout --collector.forwarders --no-collector.forwarders --collector.forwarders.min-interval --collector.forwarders.query-name --collector.forwarders.query-type --collector.forwarders.expected-rcodes --collector.forwarders.timeout --collector.forwarders.concurrency --collector.forwarders.limit --collector.latency --no-collector.latency --collector.latency.min-interval --collector.latency.interval --collector.latency.transports --collector.latency.timeout --collector.latency.recursive-domain --collector.disable-defaults --log.level --log.format --demo --demo.version --demo.zones --help --version serve scrape textfile check help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --technitium.url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.auth)
                    COMPREPLY=($(compgen -W "auto header query" -- "${cur}"))
                    return 0
                    ;;
                --technitium.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.max-response-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.ca-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.insecure-skip-verify)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --config.file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.lifetime)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.lifetime.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.counters)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.counters.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.zones.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.include)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.exclude)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dhcp)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dhcp.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.cluster)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.cluster.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.health.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health.domains)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.security)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.security.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.top.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.reverse-lookup)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.settings)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.settings.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.update)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.update.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dns.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.address)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.udp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tcp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.quic-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.answer-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocked-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocking-answer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.concurrency)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.latency.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.recursive-domain)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.disable-defaults)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --log.level)
                    COMPREPLY=($(compgen -W "trace debug info warn error" -- "${cur}"))
                    return 0
                    ;;
                --log.format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --demo.version)
                    COMPREPLY=($(compgen -W "13.6 14.3 15.2 15.6" -- "${cur}"))
                    return 0
                    ;;
                --demo.zones)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__check)
            opts="-h --format --technitium.url --technitium.token --technitium.token-file --technitium.auth --technitium.timeout --technitium.max-response-size --technitium.ca-file --technitium.insecure-skip-verify --config.file --collector.lifetime --no-collector.lifetime --collector.lifetime.min-interval --collector.dashboard --no-collector.dashboard --collector.dashboard.min-interval --collector.dashboard.window --collector.counters --no-collector.counters --collector.counters.min-interval --collector.zones --no-collector.zones --collector.zones.min-interval --collector.zones.include --collector.zones.exclude --collector.zones.limit --collector.dhcp --no-collector.dhcp --collector.dhcp.min-interval --collector.cluster --no-collector.cluster --collector.cluster.min-interval --collector.health --no-collector.health --collector.health.min-interval --collector.health.domains --collector.security --no-collector.security --collector.security.min-interval --collector.top --no-collector.top --collector.top.min-interval --collector.top.limit --collector.top.reverse-lookup --collector.settings --no-collector.settings --collector.settings.min-interval --collector.update --no-collector.update --collector.update.min-interval --collector.dns --no-collector.dns --collector.dns.min-interval --collector.dns.transports --collector.dns.address --collector.dns.udp-port --collector.dns.tcp-port --collector.dns.tls-port --collector.dns.https-port --collector.dns.quic-port --collector.dns.https-path --collector.dns.tls-server-name --collector.dns.query-name --collector.dns.query-type --collector.dns.expected-rcodes --collector.dns.answer-regex --collector.dns.blocked-name --collector.dns.blocking-answer --collector.dns.timeout --collector.forwarders --no-collector.forwarders --collector.forwarders.min-interval --collector.forwarders.query-name --collector.forwarders.query-type --collector.forwarders.expected-rcodes --collector.forwarders.timeout --collector.forwarders.concurrency --collector.forwarders.limit --collector.latency --no-collector.latency --collector.latency.min-interval --collector.latency.interval --collector.latency.transports --collector.latency.timeout --collector.latency.recursive-domain --collector.disable-defaults --log.level --log.format --demo --demo.version --demo.zones --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "table json" -- "${cur}"))
                    return 0
                    ;;
                --technitium.url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.auth)
                    COMPREPLY=($(compgen -W "auto header query" -- "${cur}"))
                    return 0
                    ;;
                --technitium.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.max-response-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.ca-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.insecure-skip-verify)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --config.file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.lifetime)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.lifetime.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.counters)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.counters.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.zones.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.include)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.exclude)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dhcp)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dhcp.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.cluster)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.cluster.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.health.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health.domains)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.security)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.security.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.top.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.reverse-lookup)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.settings)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.settings.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.update)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.update.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dns.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.address)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.udp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tcp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.quic-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.answer-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocked-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocking-answer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.concurrency)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.latency.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.recursive-domain)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.disable-defaults)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --log.level)
                    COMPREPLY=($(compgen -W "trace debug info warn error" -- "${cur}"))
                    return 0
                    ;;
                --log.format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --demo.version)
                    COMPREPLY=($(compgen -W "13.6 14.3 15.2 15.6" -- "${cur}"))
                    return 0
                    ;;
                --demo.zones)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__help)
            opts="serve scrape textfile check help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__help__subcmd__scrape)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__help__subcmd__serve)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__help__subcmd__textfile)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__scrape)
            opts="-h --format --table --state.file --technitium.url --technitium.token --technitium.token-file --technitium.auth --technitium.timeout --technitium.max-response-size --technitium.ca-file --technitium.insecure-skip-verify --config.file --collector.lifetime --no-collector.lifetime --collector.lifetime.min-interval --collector.dashboard --no-collector.dashboard --collector.dashboard.min-interval --collector.dashboard.window --collector.counters --no-collector.counters --collector.counters.min-interval --collector.zones --no-collector.zones --collector.zones.min-interval --collector.zones.include --collector.zones.exclude --collector.zones.limit --collector.dhcp --no-collector.dhcp --collector.dhcp.min-interval --collector.cluster --no-collector.cluster --collector.cluster.min-interval --collector.health --no-collector.health --collector.health.min-interval --collector.health.domains --collector.security --no-collector.security --collector.security.min-interval --collector.top --no-collector.top --collector.top.min-interval --collector.top.limit --collector.top.reverse-lookup --collector.settings --no-collector.settings --collector.settings.min-interval --collector.update --no-collector.update --collector.update.min-interval --collector.dns --no-collector.dns --collector.dns.min-interval --collector.dns.transports --collector.dns.address --collector.dns.udp-port --collector.dns.tcp-port --collector.dns.tls-port --collector.dns.https-port --collector.dns.quic-port --collector.dns.https-path --collector.dns.tls-server-name --collector.dns.query-name --collector.dns.query-type --collector.dns.expected-rcodes --collector.dns.answer-regex --collector.dns.blocked-name --collector.dns.blocking-answer --collector.dns.timeout --collector.forwarders --no-collector.forwarders --collector.forwarders.min-interval --collector.forwarders.query-name --collector.forwarders.query-type --collector.forwarders.expected-rcodes --collector.forwarders.timeout --collector.forwarders.concurrency --collector.forwarders.limit --collector.latency --no-collector.latency --collector.latency.min-interval --collector.latency.interval --collector.latency.transports --collector.latency.timeout --collector.latency.recursive-domain --collector.disable-defaults --log.level --log.format --demo --demo.version --demo.zones --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "text openmetrics json table" -- "${cur}"))
                    return 0
                    ;;
                --state.file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.auth)
                    COMPREPLY=($(compgen -W "auto header query" -- "${cur}"))
                    return 0
                    ;;
                --technitium.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.max-response-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.ca-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.insecure-skip-verify)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --config.file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.lifetime)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.lifetime.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.counters)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.counters.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.zones.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.include)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.exclude)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dhcp)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dhcp.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.cluster)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.cluster.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.health.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health.domains)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.security)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.security.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.top.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.reverse-lookup)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.settings)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.settings.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.update)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.update.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dns.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.address)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.udp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tcp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.quic-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.answer-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocked-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocking-answer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.concurrency)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.latency.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.recursive-domain)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.disable-defaults)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --log.level)
                    COMPREPLY=($(compgen -W "trace debug info warn error" -- "${cur}"))
                    return 0
                    ;;
                --log.format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --demo.version)
                    COMPREPLY=($(compgen -W "13.6 14.3 15.2 15.6" -- "${cur}"))
                    return 0
                    ;;
                --demo.zones)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__serve)
            opts="-h --web.listen-address --web.telemetry-path --web.external-url --technitium.url --technitium.token --technitium.token-file --technitium.auth --technitium.timeout --technitium.max-response-size --technitium.ca-file --technitium.insecure-skip-verify --config.file --collector.lifetime --no-collector.lifetime --collector.lifetime.min-interval --collector.dashboard --no-collector.dashboard --collector.dashboard.min-interval --collector.dashboard.window --collector.counters --no-collector.counters --collector.counters.min-interval --collector.zones --no-collector.zones --collector.zones.min-interval --collector.zones.include --collector.zones.exclude --collector.zones.limit --collector.dhcp --no-collector.dhcp --collector.dhcp.min-interval --collector.cluster --no-collector.cluster --collector.cluster.min-interval --collector.health --no-collector.health --collector.health.min-interval --collector.health.domains --collector.security --no-collector.security --collector.security.min-interval --collector.top --no-collector.top --collector.top.min-interval --collector.top.limit --collector.top.reverse-lookup --collector.settings --no-collector.settings --collector.settings.min-interval --collector.update --no-collector.update --collector.update.min-interval --collector.dns --no-collector.dns --collector.dns.min-interval --collector.dns.transports --collector.dns.address --collector.dns.udp-port --collector.dns.tcp-port --collector.dns.tls-port --collector.dns.https-port --collector.dns.quic-port --collector.dns.https-path --collector.dns.tls-server-name --collector.dns.query-name --collector.dns.query-type --collector.dns.expected-rcodes --collector.dns.answer-regex --collector.dns.blocked-name --collector.dns.blocking-answer --collector.dns.timeout --collector.forwarders --no-collector.forwarders --collector.forwarders.min-interval --collector.forwarders.query-name --collector.forwarders.query-type --collector.forwarders.expected-rcodes --collector.forwarders.timeout --collector.forwarders.concurrency --collector.forwarders.limit --collector.latency --no-collector.latency --collector.latency.min-interval --collector.latency.interval --collector.latency.transports --collector.latency.timeout --collector.latency.recursive-domain --collector.disable-defaults --log.level --log.format --demo --demo.version --demo.zones --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --web.listen-address)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --web.telemetry-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --web.external-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.auth)
                    COMPREPLY=($(compgen -W "auto header query" -- "${cur}"))
                    return 0
                    ;;
                --technitium.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.max-response-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.ca-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.insecure-skip-verify)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --config.file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.lifetime)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.lifetime.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.counters)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.counters.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.zones.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.include)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.exclude)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dhcp)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dhcp.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.cluster)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.cluster.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.health.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health.domains)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.security)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.security.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.top.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.reverse-lookup)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.settings)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.settings.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.update)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.update.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dns.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.address)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.udp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tcp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.quic-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.answer-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocked-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocking-answer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.concurrency)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.latency.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.recursive-domain)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.disable-defaults)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --log.level)
                    COMPREPLY=($(compgen -W "trace debug info warn error" -- "${cur}"))
                    return 0
                    ;;
                --log.format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --demo.version)
                    COMPREPLY=($(compgen -W "13.6 14.3 15.2 15.6" -- "${cur}"))
                    return 0
                    ;;
                --demo.zones)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        technitium__subcmd__exporter__subcmd__textfile)
            opts="-h --output.dir --output.file --fail-on-down --state.file --technitium.url --technitium.token --technitium.token-file --technitium.auth --technitium.timeout --technitium.max-response-size --technitium.ca-file --technitium.insecure-skip-verify --config.file --collector.lifetime --no-collector.lifetime --collector.lifetime.min-interval --collector.dashboard --no-collector.dashboard --collector.dashboard.min-interval --collector.dashboard.window --collector.counters --no-collector.counters --collector.counters.min-interval --collector.zones --no-collector.zones --collector.zones.min-interval --collector.zones.include --collector.zones.exclude --collector.zones.limit --collector.dhcp --no-collector.dhcp --collector.dhcp.min-interval --collector.cluster --no-collector.cluster --collector.cluster.min-interval --collector.health --no-collector.health --collector.health.min-interval --collector.health.domains --collector.security --no-collector.security --collector.security.min-interval --collector.top --no-collector.top --collector.top.min-interval --collector.top.limit --collector.top.reverse-lookup --collector.settings --no-collector.settings --collector.settings.min-interval --collector.update --no-collector.update --collector.update.min-interval --collector.dns --no-collector.dns --collector.dns.min-interval --collector.dns.transports --collector.dns.address --collector.dns.udp-port --collector.dns.tcp-port --collector.dns.tls-port --collector.dns.https-port --collector.dns.quic-port --collector.dns.https-path --collector.dns.tls-server-name --collector.dns.query-name --collector.dns.query-type --collector.dns.expected-rcodes --collector.dns.answer-regex --collector.dns.blocked-name --collector.dns.blocking-answer --collector.dns.timeout --collector.forwarders --no-collector.forwarders --collector.forwarders.min-interval --collector.forwarders.query-name --collector.forwarders.query-type --collector.forwarders.expected-rcodes --collector.forwarders.timeout --collector.forwarders.concurrency --collector.forwarders.limit --collector.latency --no-collector.latency --collector.latency.min-interval --collector.latency.interval --collector.latency.transports --collector.latency.timeout --collector.latency.recursive-domain --collector.disable-defaults --log.level --log.format --demo --demo.version --demo.zones --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output.dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output.file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state.file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.token-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.auth)
                    COMPREPLY=($(compgen -W "auto header query" -- "${cur}"))
                    return 0
                    ;;
                --technitium.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.max-response-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.ca-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --technitium.insecure-skip-verify)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --config.file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.lifetime)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.lifetime.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dashboard.window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.counters)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.counters.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.zones.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.include)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.exclude)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.zones.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dhcp)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dhcp.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.cluster)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.cluster.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.health.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.health.domains)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.security)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.security.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.top.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.top.reverse-lookup)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.settings)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.settings.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.update)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.update.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.dns.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.address)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.udp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tcp-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.quic-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.https-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.tls-server-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.answer-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocked-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.blocking-answer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.dns.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.query-type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.expected-rcodes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.concurrency)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.forwarders.limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --collector.latency.min-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.transports)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.latency.recursive-domain)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collector.disable-defaults)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --log.level)
                    COMPREPLY=($(compgen -W "trace debug info warn error" -- "${cur}"))
                    return 0
                    ;;
                --log.format)
                    COMPREPLY=($(compgen -W "logfmt json" -- "${cur}"))
                    return 0
                    ;;
                --demo.version)
                    COMPREPLY=($(compgen -W "13.6 14.3 15.2 15.6" -- "${cur}"))
                    return 0
                    ;;
                --demo.zones)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _technitium__exporter -o nosort -o bashdefault -o default technitium-exporter
else
    complete -F _technitium__exporter -o bashdefault -o default technitium-exporter
fi

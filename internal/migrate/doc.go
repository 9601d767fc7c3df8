// Package migrate turns a Renovate configuration into a bosun one: it
// parses JSON5 with line numbers, follows the presets a config extends when
// they are files of the repository, maps the package rules that concern
// Helm charts to bosun rules, and the settings that shape a pull request's
// life (automerge, schedule, timezone, dashboard, reviewers), and lists,
// with file and line, what it cannot map or would map only approximately.
// It also writes the Renovate packageRules that hand Helm charts to bosun.
//
// It owns the Renovate-to-bosun mapping only. It does not read the network
// (remote presets are listed, not fetched), writes YAML text that
// config.Parse checks, asks the config package for the values bosun.yaml
// accepts (GitHub logins, time zones) rather than keeping rules of its
// own, and invents no config keys: a Renovate setting without a bosun
// equivalent is reported.
package migrate

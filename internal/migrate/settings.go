package migrate

// settings is the policy a bosun rule or the defaults set.
type settings struct {
	ignore          *bool
	allowedVersions string
	minAge          string
	group           string
	separateMajor   *bool
	labels          []string
	lifecycleSettings
}

// lifecycleSettings shape a pull request's life rather than the version.
type lifecycleSettings struct {
	separateMinorPatch    *bool
	separateMultipleMajor *bool
	automerge             *bool
	automergeStrategy     string
	automergeType         string
	schedule              []string // non-nil and empty: at any time
	dashboardApproval     *bool
	reviewers             []string
	assignees             []string
}

func (s settings) zero() bool {
	return s.ignore == nil && s.allowedVersions == "" && s.minAge == "" &&
		s.group == "" && s.separateMajor == nil && s.labels == nil && s.lifecycleSettings.zero()
}

func (l lifecycleSettings) zero() bool {
	return l.separateMinorPatch == nil && l.separateMultipleMajor == nil && l.automerge == nil &&
		l.automergeStrategy == "" && l.automergeType == "" && l.schedule == nil && l.dashboardApproval == nil &&
		l.reviewers == nil && l.assignees == nil
}

func mergeSettings(dst *settings, s settings) {
	if s.ignore != nil {
		dst.ignore = s.ignore
	}
	if s.allowedVersions != "" {
		dst.allowedVersions = s.allowedVersions
	}
	if s.minAge != "" {
		dst.minAge = s.minAge
	}
	if s.group != "" {
		dst.group = s.group
	}
	if s.separateMajor != nil {
		dst.separateMajor = s.separateMajor
	}
	if s.labels != nil {
		dst.labels = s.labels
	}
	l, dl := s.lifecycleSettings, &dst.lifecycleSettings
	for _, p := range []struct{ src, dst **bool }{
		{&l.separateMinorPatch, &dl.separateMinorPatch}, {&l.separateMultipleMajor, &dl.separateMultipleMajor},
		{&l.automerge, &dl.automerge}, {&l.dashboardApproval, &dl.dashboardApproval},
	} {
		if *p.src != nil {
			*p.dst = *p.src
		}
	}
	for _, p := range []struct{ src, dst *string }{
		{&l.automergeStrategy, &dl.automergeStrategy}, {&l.automergeType, &dl.automergeType},
	} {
		if *p.src != "" {
			*p.dst = *p.src
		}
	}
	for _, p := range []struct{ src, dst *[]string }{
		{&l.schedule, &dl.schedule}, {&l.reviewers, &dl.reviewers}, {&l.assignees, &dl.assignees},
	} {
		if *p.src != nil {
			*p.dst = *p.src
		}
	}
}

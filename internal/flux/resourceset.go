package flux

func (s *scanner) addTemplates(o *object, depth int) {}

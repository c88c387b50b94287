package i18n

// langIDName names the primary language of a Windows LANGID (its low 10 bits) for the
// languages the program speaks: LANG_BULGARIAN 0x02, LANG_ENGLISH 0x09; "" for others.
func langIDName(id uint16) string {
	switch id & 0x3ff {
	case 0x02:
		return "bg"
	case 0x09:
		return "en"
	}
	return ""
}

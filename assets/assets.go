// Package assets embeds the app's bundled resources.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (512x512 PNG; source: icon.svg).
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)

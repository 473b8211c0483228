module github.com/hami-project/hami/vendors/hygon

go 1.26.8

require github.com/hami-project/hami/common v0.0.0-00010101000000-000000000000

require github.com/ebitengine/purego v0.11.3 // indirect

replace github.com/hami-project/hami/common => ../../common

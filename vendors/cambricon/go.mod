module github.com/hami-project/hami/vendors/cambricon

go 1.26.8

module github.com/hami-project/hami/vendors/iluvatar

go 1.26.8

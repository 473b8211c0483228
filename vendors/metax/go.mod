module github.com/hami-project/hami/vendors/metax

go 1.26.8

module github.com/hami-project/hami/vendors/hygon

go 1.26.8

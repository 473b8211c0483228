module github.com/hami-project/hami/vendors/ascend

go 1.26.8

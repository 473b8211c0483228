module github.com/hami-project/hami/vendors/mthreads

go 1.26.8

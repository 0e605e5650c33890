module github.com/acusight/sdk-go

go 1.19

require (
)

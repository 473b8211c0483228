// Package fakesdk owns what every vendor's fake management library shares:
// the description file a fake is built from (versioned, strictly decoded),
// device identities that are stable per node, the state a driver keeps
// across plugin restarts (partitions), and the device files a driver makes.
// A vendor's fake supplies only its models and its calls.
package fakesdk

// The NN module: see README.md for where it sits in the data flow.

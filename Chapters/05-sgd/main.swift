import Teach
Chapter.run("sgd") { _ in }

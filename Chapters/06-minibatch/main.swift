import Teach
Chapter.run("minibatch") { _ in }

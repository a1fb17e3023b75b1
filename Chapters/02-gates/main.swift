import Teach

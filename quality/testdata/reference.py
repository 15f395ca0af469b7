# The reference values of quality_test.go, computed independently of the
# Go code: PSNR and MS-SSIM (pytorch_msssim's definition) with direct 2-D
# windows, in plain Python. Run: python3 reference.py (about half a minute).
import math
W, H = 170, 163
def A(x, y, c): return (x*7 + y*13 + c*50 + (x*y) % 17) % 256
def B(x, y, c): return min(255, max(0, (A(x, y, c) + A(x+1, y, c))//2 + (x*31 + y*17 + c*5) % 81 - 40))
g = [math.exp(-((i-5)**2)/(2*1.5*1.5)) for i in range(11)]
s = sum(g); g = [v/s for v in g]
win = [[g[i]*g[j] for j in range(11)] for i in range(11)]
def conv(img):
    h, w = len(img), len(img[0])
    return [[sum(win[i][j]*img[y+i][x+j] for i in range(11) for j in range(11)) for x in range(w-10)] for y in range(h-10)]
def pool(img):
    h, w = len(img), len(img[0])
    ph, pw = h % 2, w % 2
    def at(y, x):
        if y < 0 or x < 0 or y >= h or x >= w: return 0.0
        return img[y][x]
    oh, ow = (h + 2*ph - 2)//2 + 1, (w + 2*pw - 2)//2 + 1
    return [[(at(2*y-ph, 2*x-pw)+at(2*y-ph, 2*x-pw+1)+at(2*y-ph+1, 2*x-pw)+at(2*y-ph+1, 2*x-pw+1))/4 for x in range(ow)] for y in range(oh)]
def ssim(X, Y):
    C1, C2 = (0.01*255)**2, (0.03*255)**2
    mx, my = conv(X), conv(Y)
    sxx = conv([[v*v for v in r] for r in X]); syy = conv([[v*v for v in r] for r in Y])
    sxy = conv([[a*b for a, b in zip(r1, r2)] for r1, r2 in zip(X, Y)])
    ss = cc = 0.0; n = 0
    for y in range(len(mx)):
        for x in range(len(mx[0])):
            a, b = mx[y][x], my[y][x]
            vx, vy, cv = sxx[y][x]-a*a, syy[y][x]-b*b, sxy[y][x]-a*b
            c = (2*cv + C2)/(vx + vy + C2)
            ss += (2*a*b + C1)/(a*a + b*b + C1)*c; cc += c; n += 1
    return ss/n, cc/n
wts = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
tot = 0.0; se = 0.0
for c in range(3):
    X = [[float(A(x, y, c)) for x in range(W)] for y in range(H)]
    Y = [[float(B(x, y, c)) for x in range(W)] for y in range(H)]
    se += sum((X[y][x]-Y[y][x])**2 for y in range(H) for x in range(W))
    v = 1.0
    for s in range(5):
        ss, cs = ssim(X, Y)
        if s == 4:
            v *= max(ss, 0)**wts[s]
        else:
            v *= max(cs, 0)**wts[s]
            X, Y = pool(X), pool(Y)
    tot += v
print("msssim %.12f" % (tot/3))
print("psnr %.12f" % (10*math.log10(255*255/(se/(3*W*H)))))

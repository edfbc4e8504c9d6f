const SQRT_32 = 5.656854249492381;
const ONE_OVER_SQRT_2PI = 0.3989422804014327;

const A = [2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745] as const;
const B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673] as const;
const C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
] as const;
const D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
] as const;
const P = [0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934, 0.000029112874951168793, 0.023073441764940174] as const;
const Q = [1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 0.00007297515550839662] as const;

// exp(−x²/2)·factor with x² split into an exact part, so the Gaussian factor keeps full relative precision in the tails.
function gaussianTail(x: number, factor: number): number {
  const rounded = Math.trunc(x * 16) / 16;
  const rest = (x - rounded) * (x + rounded);
  return Math.exp(-rounded * rounded * 0.5) * Math.exp(-rest * 0.5) * factor;
}

// Standard normal CDF by Cody's rational Chebyshev approximations (Cody 1969, Math. Comp. 23; R's pnorm_both), ~1e-16 relative.
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const y = Math.abs(z);
  if (y <= 0.67448975) {
    const zsq = y > 1.11e-16 ? z * z : 0;
    let num = A[4] * zsq, den = zsq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * zsq;
      den = (den + B[i]!) * zsq;
    }
    return 0.5 + (z * (num + A[3])) / (den + B[3]);
  }
  let tail: number;
  if (y <= SQRT_32) {
    let num = C[8] * y, den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    tail = gaussianTail(y, (num + C[7]) / (den + D[7]));
  } else if (y < 37.5193) {
    const inv = 1 / (z * z);
    let num = P[5] * inv, den = inv;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * inv;
      den = (den + Q[i]!) * inv;
    }
    tail = gaussianTail(y, (ONE_OVER_SQRT_2PI - (inv * (num + P[4])) / (den + Q[4])) / y);
  } else {
    tail = 0;
  }
  return z > 0 ? 1 - tail : tail;
}

const AS241_CENTRAL_NUM = [3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087, 33430.57558358813, 2509.0809287301227] as const;
const AS241_CENTRAL_DEN = [1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943, 5226.495278852854] as const;
const AS241_NEAR_NUM = [1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506, 0.022723844989269184, 0.0007745450142783414] as const;
const AS241_NEAR_DEN = [1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-9] as const;
const AS241_FAR_NUM = [6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124, 0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7] as const;
const AS241_FAR_DEN = [1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15] as const;

function ratio(num: readonly number[], den: readonly number[], r: number): number {
  let n = 0, d = 0;
  for (let i = num.length - 1; i >= 0; i--) {
    n = n * r + num[i]!;
    d = d * r + den[i]!;
  }
  return n / d;
}

// Standard normal quantile by Wichura's AS 241 (PPND16, Applied Statistics 37, 1988), ~1e-16 relative.
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) return q * ratio(AS241_CENTRAL_NUM, AS241_CENTRAL_DEN, 0.180625 - q * q);
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const value = r <= 5 ? ratio(AS241_NEAR_NUM, AS241_NEAR_DEN, r - 1.6) : ratio(AS241_FAR_NUM, AS241_FAR_DEN, r - 5);
  return q < 0 ? -value : value;
}
